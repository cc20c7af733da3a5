import { IsOptional, IsUUID } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';

import { AuditAction } from './access.kinds.js';

@InputType({ description: 'Narrows the audit log; every given condition must hold.' })
export class AuditLogFilter {
  @Field(() => AuditAction, { nullable: true, description: 'Only entries of this action.' })
  action!: AuditAction | null;

  @Field(() => ID, {
    nullable: true,
    description: 'Only entries concerning this customer (or key).',
  })
  @IsOptional()
  @IsUUID()
  subjectId!: string | null;

  @Field(() => Date, { nullable: true, description: 'Only entries at or after this time.' })
  from!: Date | null;

  @Field(() => Date, { nullable: true, description: 'Only entries before this time.' })
  to!: Date | null;
}
