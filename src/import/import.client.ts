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
   * @throws ImportStopped when the batch as a whole was not processed.
   */
  async send(kind: ImportKind, input: readonly unknown[]): Promise<ItemOutcome[]> {
    const answer = await this.post(kind.document, { input });
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

  private async post(query: string, variables: unknown): Promise<GraphQLAnswer> {
    let response: Response;
    try {
      response = await fetch(this.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {}),
        },
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      const cause =
        (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      throw new ImportStopped(`cannot reach the gateway at ${this.url} (${cause})`, {
        cause: error,
      });
    }
    const body = await response.text();
    try {
      return JSON.parse(body) as GraphQLAnswer;
    } catch {
      throw new ImportStopped(
        `the gateway at ${this.url} answered HTTP ${response.status}: ${body.slice(0, 200)}`,
      );
    }
  }
}
