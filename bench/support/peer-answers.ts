import { isDeepStrictEqual } from 'node:util';

/**
 * c360's and the peer's answers to the comparable 360 read (peer-query.ts), brought to one
 * shape so that the bench can check both stacks return the same facts before timing them.
 * Lists compare as sorted sets where the two order ties differently.
 */
export type Comparable = Record<string, unknown>;

interface Named {
  id: string;
  displayName?: string | null;
  name?: string | null;
}
interface C360Customer extends Named {
  email: string | null;
  traits: unknown;
  mergedFrom: string[];
  identities: { type: string; value: string }[];
  consent: { purpose: string; granted: boolean | null }[];
  events: { edges: { node: { type: string; occurredAt: string } }[] };
  family: { relation: string; customer: Named }[];
  relationships: { customer: Named }[];
  household: { size: number } | null;
  interactions: Record<'viewed' | 'purchased', { count: number; product: Named }[]>;
  campaigns: { responses: number; campaign: Named }[];
}
interface PeerCustomer extends Named {
  email: string | null;
  traits: unknown;
  mergedFrom: { nodes: { mergedId: string }[] };
  identities: { nodes: { type: string; value: string }[] };
  consent: { nodes: { purpose: string; granted: boolean }[] };
  events: { nodes: { type: string; occurredAt: string }[] };
  spouses: Named[];
  parents: Named[];
  children: Named[];
  siblings: Named[];
  relatedWithinTwoHops: Named[];
  householdSize: number;
  viewed: { edges: { properties: { count: number }; node: Named }[] };
  purchased: { edges: { properties: { count: number }; node: Named }[] };
  targetedBy: { edges: { node: Named }[] };
  respondedTo: { edges: { properties: { count: number }; node: Named }[] };
}

const sorted = (values: string[]) => [...values].sort();
const named = (n: Named) => `${n.id} ${n.displayName ?? n.name ?? ''}`;
const at = (iso: string) => new Date(iso).toISOString();

export function fromC360(c: C360Customer): Comparable {
  return {
    profile: [c.id, c.displayName, c.email, c.traits],
    mergedFrom: sorted(c.mergedFrom),
    // c360's identity types are an enum (EMAIL), PostgreSQL's rows hold them as written.
    identities: sorted(c.identities.map((i) => `${i.type.toLowerCase()}:${i.value}`)),
    // c360 lists every purpose, null where never set; PostgreSQL holds only the set ones.
    consent: sorted(
      c.consent
        .filter((k) => k.granted !== null)
        .map((k) => `${k.purpose.toLowerCase()}:${k.granted}`),
    ),
    events: c.events.edges.map(({ node }) => `${node.type.toLowerCase()} ${at(node.occurredAt)}`),
    family: sorted(c.family.map((f) => `${f.relation} ${named(f.customer)}`)),
    related: sorted(c.relationships.map((r) => named(r.customer))),
    householdSize: c.household?.size ?? 1,
    viewed: sorted(c.interactions.viewed.map((i) => `${i.count} ${named(i.product)}`)),
    purchased: sorted(c.interactions.purchased.map((i) => `${i.count} ${named(i.product)}`)),
    campaigns: sorted(c.campaigns.map((k) => `${k.responses} ${named(k.campaign)}`)),
  };
}

export function fromPeer(p: PeerCustomer): Comparable {
  const responses = new Map(p.respondedTo.edges.map((e) => [e.node.id, e.properties.count]));
  const campaigns = new Map<string, Named>(
    [...p.targetedBy.edges, ...p.respondedTo.edges].map((e) => [e.node.id, e.node]),
  );
  return {
    profile: [p.id, p.displayName, p.email, p.traits],
    mergedFrom: sorted(p.mergedFrom.nodes.map((m) => m.mergedId)),
    identities: sorted(p.identities.nodes.map((i) => `${i.type}:${i.value}`)),
    consent: sorted(p.consent.nodes.map((k) => `${k.purpose}:${k.granted}`)),
    events: p.events.nodes.map((e) => `${e.type} ${at(e.occurredAt)}`),
    family: sorted([
      ...p.spouses.map((c) => `SPOUSE ${named(c)}`),
      ...p.parents.map((c) => `PARENT ${named(c)}`),
      ...p.children.map((c) => `CHILD ${named(c)}`),
      ...p.siblings.map((c) => `SIBLING ${named(c)}`),
    ]),
    related: sorted(p.relatedWithinTwoHops.map(named)),
    householdSize: p.householdSize,
    viewed: sorted(p.viewed.edges.map((e) => `${e.properties.count} ${named(e.node)}`)),
    purchased: sorted(p.purchased.edges.map((e) => `${e.properties.count} ${named(e.node)}`)),
    campaigns: sorted(
      [...campaigns.values()].map((k) => `${responses.get(k.id) ?? 0} ${named(k)}`),
    ).slice(0, 5),
  };
}

/** The fields on which the two answers differ. */
export function differences(c360: Comparable, peer: Comparable): string[] {
  return Object.keys(c360).filter((field) => !isDeepStrictEqual(c360[field], peer[field]));
}
