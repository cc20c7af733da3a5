import {
  type GatewayClient,
  ImportStopped,
  RequestTooLarge,
  requestBody,
} from './import.client.js';
import type { ImportKind, ItemOutcome } from './import.kind.js';

/** The largest request body the gateway reads: `express.json({ limit: '1mb' })` in app.ts. */
export const GATEWAY_BODY_LIMIT_BYTES = 1_048_576;

/** One item of a batch and its size as JSON. */
export interface SizedInput {
  input: unknown;
  bytes: number;
}

/** The size of an item as JSON, as it goes into a request. */
export function jsonBytes(input: unknown): number {
  return Buffer.byteLength(JSON.stringify(input));
}

interface Indexed extends SizedInput {
  /** Where the item is in the batch. */
  index: number;
}

/**
 * Sends a batch in as many requests as the body limit needs, so that one oversized row cannot
 * stop the import (and, with its checkpoint kept, every resume after it): items are packed into
 * requests of at most `limitBytes`; a request refused anyway with HTTP 413 (a proxy before the
 * gateway may allow less) is halved until each row goes alone; a row too large to go alone is
 * answered here, REJECTED with ROW_TOO_LARGE. Outcomes are indexed as in `items`.
 */
export class RequestSender {
  private readonly overhead: number;

  constructor(
    private readonly client: GatewayClient,
    private readonly kind: ImportKind,
    private readonly limitBytes = GATEWAY_BODY_LIMIT_BYTES,
  ) {
    this.overhead = Buffer.byteLength(requestBody(kind, []));
  }

  async send(items: readonly SizedInput[]): Promise<ItemOutcome[]> {
    const outcomes: ItemOutcome[] = [];
    for (const part of this.packed(items)) {
      outcomes.push(...(await this.sendPart(part)));
    }
    return outcomes;
  }

  /** The items in order, in parts whose requests fit the limit (an item too large, alone). */
  private packed(items: readonly SizedInput[]): Indexed[][] {
    const parts: Indexed[][] = [];
    let part: Indexed[] = [];
    let size = this.overhead;
    items.forEach((item, index) => {
      // Items are joined by commas in the request's input list.
      if (part.length > 0 && size + 1 + item.bytes > this.limitBytes) {
        parts.push(part);
        part = [];
        size = this.overhead;
      }
      size += (part.length > 0 ? 1 : 0) + item.bytes;
      part.push({ ...item, index });
    });
    return part.length > 0 ? [...parts, part] : parts;
  }

  private async sendPart(part: readonly Indexed[]): Promise<ItemOutcome[]> {
    const [only] = part;
    if (only && part.length === 1 && this.overhead + only.bytes > this.limitBytes) {
      const why = `more than one request to the gateway may take (${this.limitBytes} bytes)`;
      return [tooLarge(only, why)];
    }
    try {
      return reindexed(
        await this.client.send(
          this.kind,
          part.map((item) => item.input),
        ),
        part,
      );
    } catch (error) {
      if (!(error instanceof RequestTooLarge)) {
        throw error;
      }
      if (only && part.length === 1) {
        return [
          tooLarge(only, 'and the gateway (or a proxy before it) refused it alone: HTTP 413'),
        ];
      }
      const half = Math.ceil(part.length / 2);
      return [
        ...(await this.sendPart(part.slice(0, half))),
        ...(await this.sendPart(part.slice(half))),
      ];
    }
  }
}

function tooLarge(item: Indexed, why: string): ItemOutcome {
  return {
    index: item.index,
    status: 'REJECTED',
    error: { code: 'ROW_TOO_LARGE', message: `the row takes ${item.bytes} bytes as JSON, ${why}` },
  };
}

/** The gateway's outcomes for a part, indexed as in the whole batch. */
function reindexed(outcomes: readonly ItemOutcome[], part: readonly Indexed[]): ItemOutcome[] {
  return outcomes.map((outcome) => {
    const item = part[outcome.index];
    if (item === undefined) {
      throw new ImportStopped(`the gateway answered for item ${outcome.index} of ${part.length}`);
    }
    return { ...outcome, index: item.index };
  });
}
