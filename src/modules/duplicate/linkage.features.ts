import { jaroWinkler } from '@skyra/jaro-winkler';

/**
 * What the duplicate model knows of one customer, already normalised: it is read in SQL
 * (duplicate.store.ts) and compared here, with no I/O.
 */
export interface LinkageProfile {
  id: string;
  /** Name tokens: lower-case letters only, accents removed, in the order given. */
  nameTokens: readonly string[];
  /** E-mail local parts: lower-case, without `+tags` and dots, whatever the domain. */
  emailLocals: readonly string[];
  /** Phone numbers as their last 9 digits (a country prefix or trunk 0 does not matter). */
  phones: readonly string[];
  postcode: string | null;
  devices: readonly string[];
}

/** The fields compared, each with its agreement levels from strongest to weakest. */
export const FIELD_LEVELS = {
  name: ['exact', 'close', 'similar', 'different'],
  emailLocal: ['exact', 'different'],
  phone: ['exact', 'different'],
  postcode: ['exact', 'different'],
  device: ['shared', 'different'],
} as const;

export type LinkageField = keyof typeof FIELD_LEVELS;
export const LINKAGE_FIELDS = Object.keys(FIELD_LEVELS) as LinkageField[];

/** Per field, the index of the agreement level in FIELD_LEVELS, or null when a side lacks it. */
export type ComparisonVector = Record<LinkageField, number | null>;

// Jaro-Winkler bounds of the name levels, on the weakest token: one typo in a name of four
// letters or more stays "close" (jon/john 0.93).
const NAME_CLOSE = 0.92;
const NAME_SIMILAR = 0.85;

export function nameTokens(name: string | null | undefined): string[] {
  return (name ?? '')
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^a-z]+/)
    .filter((token) => token.length > 0);
}

/** `Ada.Lovelace+news@example.com` → `adalovelace`; null for what is not an address. */
export function emailLocal(email: string): string | null {
  const at = email.lastIndexOf('@');
  if (at < 1) {
    return null;
  }
  const local = email.slice(0, at).toLowerCase().split('+')[0]!.replace(/\./g, '');
  return local.length > 0 ? local : null;
}

export function phoneKey(phone: string): string | null {
  const digits = phone.replace(/\D/g, '');
  return digits.length >= 7 ? digits.slice(-9) : null;
}

export function postcodeKey(postcode: unknown): string | null {
  if (typeof postcode !== 'string' && typeof postcode !== 'number') {
    return null;
  }
  const key = String(postcode)
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, '');
  return key.length > 0 ? key : null;
}

/**
 * The blocks a customer falls in: only pairs sharing one are compared, which keeps a scan
 * near-linear. Names block only together with the postcode (a name alone is too common); the
 * name part is the sorted initials plus the longest token's first three letters, so swapped
 * first and last names block together and most single typos do too.
 */
export function blockingKeys(profile: LinkageProfile): string[] {
  const keys = new Set<string>();
  for (const local of profile.emailLocals) {
    keys.add(`email:${local}`);
  }
  for (const phone of profile.phones) {
    keys.add(`phone:${phone}`);
  }
  for (const device of profile.devices) {
    keys.add(`device:${device}`);
  }
  if (profile.postcode !== null && profile.nameTokens.length > 0) {
    const sorted = [...profile.nameTokens].sort();
    const longest = [...profile.nameTokens].sort((a, b) => b.length - a.length)[0]!;
    keys.add(`name:${profile.postcode}:${sorted.map((t) => t[0]).join('')}:${longest.slice(0, 3)}`);
  }
  return [...keys];
}

/** The kind of a blocking key (`email`, `phone`, `device`, `name`), never its value. */
export function blockingKind(key: string): string {
  return key.slice(0, key.indexOf(':'));
}

/**
 * How far two names agree, token by token: each token of the shorter name is matched with its
 * most similar token of the other (Jaro-Winkler), and the weakest of those matches decides, so
 * word order does not matter (swapped first and last names) while a different first name in
 * one family does.
 */
export function nameSimilarity(a: readonly string[], b: readonly string[]): number {
  if ([...a].sort().join(' ') === [...b].sort().join(' ')) {
    return 1;
  }
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  return Math.min(
    ...short.map((token) => Math.max(...long.map((other) => jaroWinkler(token, other)))),
  );
}

const shares = (a: readonly string[], b: readonly string[]) => a.some((x) => b.includes(x));

function agreement(a: readonly string[], b: readonly string[]): number | null {
  if (a.length === 0 || b.length === 0) {
    return null;
  }
  return shares(a, b) ? 0 : 1;
}

export function compareProfiles(a: LinkageProfile, b: LinkageProfile): ComparisonVector {
  let name: number | null = null;
  if (a.nameTokens.length > 0 && b.nameTokens.length > 0) {
    const similarity = nameSimilarity(a.nameTokens, b.nameTokens);
    name = similarity === 1 ? 0 : similarity >= NAME_CLOSE ? 1 : similarity >= NAME_SIMILAR ? 2 : 3;
  }
  return {
    name,
    emailLocal: agreement(a.emailLocals, b.emailLocals),
    phone: agreement(a.phones, b.phones),
    postcode: a.postcode === null || b.postcode === null ? null : a.postcode === b.postcode ? 0 : 1,
    device: agreement(a.devices, b.devices),
  };
}

/** The value of one field shown as evidence: the one both share when they do, else the first. */
export function evidenceValue(
  profile: LinkageProfile,
  other: LinkageProfile,
  field: LinkageField,
): string | null {
  const pick = (mine: readonly string[], theirs: readonly string[]) =>
    mine.find((value) => theirs.includes(value)) ?? mine[0] ?? null;
  switch (field) {
    case 'name':
      return profile.nameTokens.length > 0 ? profile.nameTokens.join(' ') : null;
    case 'emailLocal':
      return pick(profile.emailLocals, other.emailLocals);
    case 'phone':
      return pick(profile.phones, other.phones);
    case 'postcode':
      return profile.postcode;
    case 'device':
      return pick(profile.devices, other.devices);
  }
}
