import assert from 'node:assert/strict';

import {
  DefineSegmentDocument,
  type DefineSegmentInput,
  SegmentStateDocument,
} from '../__generated__/graphql.js';
import { execute } from './graphql-client.js';
import { until } from './until.js';

/** Defines a segment through the API and resolves with its id once its first build is done. */
export async function defineReadySegment(url: string, input: DefineSegmentInput): Promise<string> {
  const defined = await execute(url, DefineSegmentDocument, { input });
  assert.equal(defined.errors, undefined, JSON.stringify(defined.errors));
  const id = defined.data!.defineSegment.id;
  const state = await until(
    () => execute(url, SegmentStateDocument, { id }),
    (r) => r.data?.segment?.status === 'READY',
    20_000,
  );
  assert.equal(state.data?.segment?.status, 'READY', JSON.stringify(state));
  return id;
}
