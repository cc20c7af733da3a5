import { z } from 'zod';

/*
 * The Segment Spec's messages as c360 reads them (https://segment.com/docs/connections/spec/).
 * Only the fields c360 maps are declared; zod drops every other key, so a field a newer
 * library sends is ignored, never an error.
 */

const JsonObject = z.record(z.string(), z.unknown());

/** Segment ids are strings; some libraries send numeric user ids, which mean the same. */
const Id = z.union([z.string().min(1).max(256), z.number().finite()]).transform(String);

/**
 * An ISO-8601 date-time, as every Segment library serialises its dates. A month or day written
 * with one digit (`2015-2-02T00:30:08.276Z`, as in Segment's own batch example) is read as
 * Segment reads it, though JavaScript's parser refuses it.
 */
const DateTime = z
  .string()
  .transform((text) => new Date(Date.parse(text.replace(UNPADDED_DATE, padDate))))
  .refine((date) => !Number.isNaN(date.getTime()), 'must be an ISO-8601 date-time');

const UNPADDED_DATE = /^(\d{4})-(\d{1,2})-(\d{1,2})(?=T|$)/;

function padDate(_: string, year: string, month: string, day: string): string {
  return `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
}

const Context = z.object({
  channel: z.string().optional(),
  library: z.object({ name: z.string().optional() }).optional(),
  traits: JsonObject.optional(),
  sessionId: z.union([z.string(), z.number()]).optional(),
});
export type SegmentContext = z.infer<typeof Context>;

const common = {
  messageId: z.string().min(1).max(128).optional(),
  userId: Id.nullish(),
  anonymousId: Id.nullish(),
  timestamp: DateTime.optional(),
  sentAt: DateTime.optional(),
  context: Context.optional(),
};

/** Every call but alias is about someone: a user id, an anonymous id, or both. */
const someone = (message: {
  userId?: string | null | undefined;
  anonymousId?: string | null | undefined;
}) => message.userId != null || message.anonymousId != null;
const SOMEONE = { message: 'userId or anonymousId is required' };

export const SegmentMessage = z.discriminatedUnion('type', [
  z
    .object({
      ...common,
      type: z.literal('track'),
      event: z.string().min(1).max(200),
      properties: JsonObject.optional(),
    })
    .refine(someone, SOMEONE),
  z
    .object({ ...common, type: z.literal('identify'), traits: JsonObject.optional() })
    .refine(someone, SOMEONE),
  z
    .object({
      ...common,
      type: z.enum(['page', 'screen']),
      name: z.string().max(200).optional(),
      category: z.string().max(200).optional(),
      properties: JsonObject.optional(),
    })
    .refine(someone, SOMEONE),
  z
    .object({ ...common, type: z.literal('group'), groupId: Id, traits: JsonObject.optional() })
    .refine(someone, SOMEONE),
  z.object({ ...common, type: z.literal('alias'), previousId: Id, userId: Id }),
]);
export type SegmentMessage = z.infer<typeof SegmentMessage>;
export type SegmentType = SegmentMessage['type'];
export const SEGMENT_TYPES: readonly SegmentType[] = [
  'track',
  'identify',
  'page',
  'screen',
  'group',
  'alias',
];

/**
 * `/v1/batch`: the items are checked one by one (a bad item is rejected alone); what the
 * envelope carries (`sentAt`, `context`) applies to every item that lacks its own.
 */
export const SegmentBatch = z.object({
  batch: z.array(z.unknown()).min(1),
  sentAt: DateTime.optional(),
  context: Context.optional(),
});

/** The calls stored as events; the others (identify, group, alias) change profiles. */
export type SegmentEventMessage = Extract<SegmentMessage, { type: 'track' | 'page' | 'screen' }>;
export type SegmentProfileMessage = Exclude<SegmentMessage, SegmentEventMessage>;

export function isEventMessage(message: SegmentMessage): message is SegmentEventMessage {
  return message.type === 'track' || message.type === 'page' || message.type === 'screen';
}
