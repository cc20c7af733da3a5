import { Field, ID, InterfaceType } from 'type-graphql';

/**
 * Relay's object identification. Every id c360 mints is a UUID, unique across entity kinds,
 * so `node(id)` finds the one entity that holds it without a type prefix in the id.
 */
@InterfaceType({ description: 'An object with a globally unique id, fetchable with `node(id)`.' })
export abstract class Node {
  @Field(() => ID, { description: 'Globally unique id (a UUID).' })
  id!: string;
}
