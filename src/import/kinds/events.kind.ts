import { EventType } from '../../modules/event/event.kinds.js';
import {
  identityCells,
  identityOf,
  type JsonRecord,
  nestCells,
  optionalDateTime,
  optionalObject,
  optionalText,
  requiredEnumName,
  requiredText,
  RowError,
} from '../import.fields.js';
import { bulkUpsertKind } from '../import.kind.js';

const EVENT_TYPE_NAMES = Object.keys(EventType);

/** Events -> `trackBatch`, idempotent by `messageId`. */
export const eventsKind = bulkUpsertKind({
  name: 'events',
  mutation: 'trackBatch',
  inputType: 'TrackEventInput',
  argument: 'events',
  fromJson: toTrackEventInput,
  fromCsv: (cells) => {
    const record = nestCells(
      cells,
      ['messageId', 'type', 'name', 'occurredAt', 'sessionId', 'channel'],
      ['properties'],
    );
    const identities = identityCells(cells);
    if (identities.length > 1) {
      throw new RowError(
        `an event names one identity; this row has ${identities.map((i) => i.type.toLowerCase()).join(' and ')}`,
      );
    }
    return toTrackEventInput({ ...record, identity: identities[0] });
  },
});

function toTrackEventInput(record: JsonRecord) {
  if (record['identity'] === undefined || record['identity'] === null) {
    throw new RowError('identity is required');
  }
  return {
    messageId: requiredText(record, 'messageId', 128),
    identity: identityOf(record['identity'], 'identity'),
    type: requiredEnumName(record, 'type', EVENT_TYPE_NAMES),
    name: optionalText(record, 'name', 200),
    properties: optionalObject(record, 'properties'),
    occurredAt: optionalDateTime(record, 'occurredAt'),
    sessionId: optionalText(record, 'sessionId', 128),
    channel: optionalText(record, 'channel', 32),
  };
}
