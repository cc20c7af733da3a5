import type { ImportKind, ItemOutcome } from './import.kind.js';

/**
 * The whole import must stop: the gateway is unreachable, refused the request as a whole
 * (UNAUTHENTICATED, an oversized batch), or the input is unusable. The message says why, for a
 * human; what was acknowledged before stays acknowledged.
 */
export class ImportStopped extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ImportStopped';
  }
}

/**
 * The gateway (or a proxy before it) refused a request as too large, HTTP 413: its rows must go
 * in smaller ones.
 */
export class RequestTooLarge extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RequestTooLarge';
  }
}

/** The HTTP body that sends `input` to the kind's mutation, as sent: its size is what counts. */
export function requestBody(kind: ImportKind, input: readonly unknown[]): string {
  return JSON.stringify({ query: kind.document, variables: { input } });
}

// Generous: a full batch on the embedded single-connection database can take a while.
const REQUEST_TIMEOUT_MS = 120_000;

interface GraphQLAnswer {
  data?: Record<string, { results: ItemOutcome[] } | null> | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/** Sends batches to a gateway's bulk mutations over HTTP, as any GraphQL client would. */
export class GatewayClient {
  constructor(
    private readonly url: string,
    private readonly apiKey: string | null,
  ) {}

  /**
   * Sends one batch and returns the gateway's per-item results, in request order.
   *
   * @throws RequestTooLarge when the request was refused as too large (HTTP 413).
   * @throws ImportStopped when the batch as a whole was not processed for another reason.
   */
  async send(kind: ImportKind, input: readonly unknown[]): Promise<ItemOutcome[]> {
    const answer = await this.post(requestBody(kind, input));
    const results = answer.data?.[kind.field]?.results;
    if (!results) {
      const error = answer.errors?.[0];
      const code = error?.extensions?.code ?? 'no code';
      throw new ImportStopped(
        `the gateway refused the batch (${code}): ${error?.message ?? 'no result'}`,
      );
    }
    if (results.length !== input.length) {
      throw new ImportStopped(
        `the gateway answered ${results.length} results for ${input.length} items`,
      );
    }
    return results;
  }

  private async post(body: string): Promise<GraphQLAnswer> {
    let response: Response;
    try {
      response = await fetch(this.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {}),
        },
        body,
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      const cause =
        (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      throw new ImportStopped(`cannot reach the gateway at ${this.url} (${cause})`, {
        cause: error,
      });
    }
    const text = await response.text();
    if (response.status === 413) {
      throw new RequestTooLarge(`${this.url} refused ${body.length} characters as too large`);
    }
    try {
      return JSON.parse(text) as GraphQLAnswer;
    } catch {
      throw new ImportStopped(
        `the gateway at ${this.url} answered HTTP ${response.status}: ${text.slice(0, 200)}`,
      );
    }
  }
}
