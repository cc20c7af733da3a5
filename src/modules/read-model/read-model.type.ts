import { Field, Float, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'How far behind the customer 360 read model is.' })
export class ReadModelStatus {
  @Field(() => Boolean, {
    description: 'Whether 360 reads are served from documents (READ_MODEL).',
  })
  enabled!: boolean;

  @Field(() => Int, { description: 'Customers with a document.' })
  documents!: number;

  @Field(() => Int, {
    description: 'Documents waiting to be rebuilt after a write (read live meanwhile).',
  })
  dirtyDocuments!: number;

  @Field(() => Float, {
    description:
      'Age of the oldest write not yet in a document, in milliseconds (0: all up to date).',
  })
  lagMs!: number;
}
