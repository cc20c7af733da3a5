import { CUSTOM_IDENTITY_TYPE_PATTERN, IdentityType } from '../modules/identity/identity.kinds.js';

/** A row the importer cannot turn into a mutation input; reported, and the import goes on. */
export class RowError extends Error {
  constructor(
    message: string,
    readonly code = 'BAD_USER_INPUT',
  ) {
    super(message);
    this.name = 'RowError';
  }
}

/** A parsed JSONL line, or a CSV row already shaped like one (see {@link nestCells}). */
export type JsonRecord = Record<string, unknown>;

const IDENTITY_TYPE_NAMES = Object.keys(IdentityType);
/** CSV identity columns: one per built-in kind (custom kinds use `custom.<kind>` columns). */
const IDENTITY_COLUMNS = IDENTITY_TYPE_NAMES.filter((name) => name !== 'CUSTOM');

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A string field (numbers are accepted as their text, e.g. numeric ids); absent is null. */
export function optionalText(record: JsonRecord, field: string, max = 10_000): string | null {
  const value = record[field];
  if (value === undefined || value === null || value === '') {
    return null;
  }
  if (typeof value !== 'string' && typeof value !== 'number') {
    throw new RowError(`${field} must be a string`);
  }
  const text = String(value);
  if (text.length > max) {
    throw new RowError(`${field} is longer than ${max} characters`);
  }
  return text;
}

export function requiredText(record: JsonRecord, field: string, max?: number): string {
  const text = optionalText(record, field, max);
  if (text === null) {
    throw new RowError(`${field} is required`);
  }
  return text;
}

/**
 * One value of a GraphQL enum, named either way a client may spell it (`cart_add`, `CART_ADD`).
 * Checked here because an unknown enum value would make the gateway refuse the whole batch.
 */
export function enumName(
  record: JsonRecord,
  field: string,
  names: readonly string[],
): string | null {
  const text = optionalText(record, field);
  if (text === null) {
    return null;
  }
  const name = text.trim().toUpperCase();
  if (!names.includes(name)) {
    throw new RowError(`${field} must be one of ${names.join(', ')}; got "${text.slice(0, 64)}"`);
  }
  return name;
}

export function requiredEnumName(
  record: JsonRecord,
  field: string,
  names: readonly string[],
): string {
  const name = enumName(record, field, names);
  if (name === null) {
    throw new RowError(`${field} is required`);
  }
  return name;
}

export function optionalObject(record: JsonRecord, field: string): JsonRecord | null {
  const value = record[field];
  if (value === undefined || value === null) {
    return null;
  }
  if (!isRecord(value)) {
    throw new RowError(`${field} must be a JSON object`);
  }
  return value;
}

/** An ISO 8601 date-time, passed on as the gateway's DateTimeISO scalar expects it. */
export function optionalDateTime(record: JsonRecord, field: string): string | null {
  const text = optionalText(record, field);
  if (text === null) {
    return null;
  }
  const time = Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text) || Number.isNaN(time)) {
    throw new RowError(`${field} must be an ISO 8601 date-time such as 2026-01-31T12:00:00Z`);
  }
  return new Date(time).toISOString();
}

export interface IdentityValue {
  type: string;
  value: string;
  customType?: string;
}

/** `{ type, value }` with a known identity type; the gateway normalises the value. */
export function identityOf(value: unknown, field: string): IdentityValue {
  if (!isRecord(value)) {
    throw new RowError(`${field} must be an object { type, value }`);
  }
  const identity: IdentityValue = {
    type: requiredEnumName(value, 'type', IDENTITY_TYPE_NAMES),
    value: requiredText(value, 'value', 256),
  };
  const customType = optionalText(value, 'customType', 32);
  return customType === null ? identity : { ...identity, customType };
}

/** Header names compared loosely: `displayName`, `display_name` and `DisplayName` are one. */
export function headerKey(header: string): string {
  return header.toLowerCase().replace(/[\s_-]/g, '');
}

/**
 * Identity columns of a CSV row (`email`, `phone`, `user_id`, `anonymous_id`, `device_id`,
 * `crm_id`, in that order, then `custom.<kind>` ones for configured custom kinds); empty cells
 * are skipped.
 */
export function identityCells(cells: Readonly<Record<string, string>>): IdentityValue[] {
  const byKey = new Map(Object.entries(cells).map(([header, cell]) => [headerKey(header), cell]));
  const builtIn = IDENTITY_COLUMNS.flatMap((type) => {
    const cell = byKey.get(headerKey(type))?.trim();
    return cell ? [{ type, value: cell }] : [];
  });
  const custom = Object.entries(cells).flatMap(([header, cell]) => {
    const kind = /^custom\.(.+)$/.exec(header.trim())?.[1];
    return kind && CUSTOM_IDENTITY_TYPE_PATTERN.test(kind) && cell.trim()
      ? [{ type: 'CUSTOM', customType: kind, value: cell.trim() }]
      : [];
  });
  return [...builtIn, ...custom];
}

/**
 * The plain (undotted) columns of a CSV row, keyed by the given field names, plus one object
 * per prefix from its dotted columns (`traits.age` -> `traits: { age }`). A cell that is a JSON
 * number, boolean, array or object becomes that value inside such an object; any other cell is
 * text. Empty cells are absent.
 */
export function nestCells(
  cells: Readonly<Record<string, string>>,
  fields: readonly string[],
  prefixes: readonly string[],
): JsonRecord {
  const record: JsonRecord = {};
  const fieldByKey = new Map(fields.map((field) => [headerKey(field), field]));
  for (const [header, cell] of Object.entries(cells)) {
    if (cell === '') {
      continue;
    }
    const dot = header.indexOf('.');
    const prefix =
      dot > 0 ? prefixes.find((p) => headerKey(p) === headerKey(header.slice(0, dot))) : undefined;
    if (prefix !== undefined) {
      const nested = (record[prefix] ??= {}) as JsonRecord;
      nested[header.slice(dot + 1)] = jsonCell(cell);
      continue;
    }
    const field = fieldByKey.get(headerKey(header));
    if (field !== undefined) {
      record[field] = cell;
    }
  }
  return record;
}

function jsonCell(cell: string): unknown {
  if (!/^\s*(-?\d|true\b|false\b|\[|\{)/.test(cell)) {
    return cell;
  }
  try {
    const value: unknown = JSON.parse(cell);
    return value === null ? cell : value;
  } catch {
    return cell;
  }
}

/**
 * A list of names (categories, keywords): a JSON list of strings in JSONL, one cell of names
 * separated by `|` in CSV. Absent is null; names are trimmed and empty ones dropped (the
 * gateway normalises the rest).
 */
export function optionalNameList(record: JsonRecord, field: string): string[] | null {
  const value = record[field];
  if (value === undefined || value === null || value === '') {
    return null;
  }
  const names = typeof value === 'string' ? value.split('|') : value;
  if (!Array.isArray(names) || !names.every((name) => typeof name === 'string')) {
    throw new RowError(`${field} must be a list of names`);
  }
  return names.map((name) => name.trim()).filter((name) => name !== '');
}

/** true/false (CSV: also yes/no, 1/0, any case); absent is null. */
export function optionalBoolean(record: JsonRecord, field: string): boolean | null {
  const value = record[field];
  if (value === undefined || value === null || value === '') {
    return null;
  }
  if (typeof value === 'boolean') {
    return value;
  }
  const text = String(value).trim().toLowerCase();
  if (['true', 'yes', '1'].includes(text)) {
    return true;
  }
  if (['false', 'no', '0'].includes(text)) {
    return false;
  }
  throw new RowError(`${field} must be true or false`);
}

/** A whole number (CSV: its digits); absent is null. The gateway checks the range. */
export function optionalInteger(record: JsonRecord, field: string): number | null {
  const value = record[field];
  if (value === undefined || value === null || value === '') {
    return null;
  }
  const number = typeof value === 'number' ? value : Number(String(value).trim());
  if (!Number.isSafeInteger(number)) {
    throw new RowError(`${field} must be a whole number`);
  }
  return number;
}
