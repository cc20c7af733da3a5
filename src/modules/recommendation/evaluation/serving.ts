import { type Interaction } from '../model/interactions.js';

/** A catalogue item as the evaluation reads it (MovieLens: genres → categories, tags → keywords). */
export interface EvalItem {
  itemId: string;
  title: string;
  categories: string[];
  keywords: string[];
}

/**
 * Reports how far a long step has got. `start` begins a phase of `total` steps (replacing any
 * earlier phase), `update` says how many are done, `stop` ends the report; call it before
 * printing anything else.
 */
export interface Progress {
  start(phase: string, total: number): void;
  update(done: number): void;
  stop(): void;
}

/** A Progress that says nothing: for tests and for callers that print their own. */
export const SILENT_PROGRESS: Progress = { start() {}, update() {}, stop() {} };

/**
 * The recommender under test, served by real code: the evaluation hands it the training data
 * and asks it for top-k lists, exactly as a customer's page would.
 */
export interface ServingRecommender {
  readonly name: string;
  /** Loads the training positives and the items through the real ingestion path. */
  load(
    train: readonly Interaction[],
    items: readonly EvalItem[],
    progress: Progress,
  ): Promise<void>;
  /** The top k for a user, from the same code that serves Customer.recommendations. */
  topK(userId: string, k: number): Promise<string[]>;
  close(): Promise<void>;
}
