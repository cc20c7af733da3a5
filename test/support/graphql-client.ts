import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { type FormattedExecutionResult, print } from 'graphql';
import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';

/** The key each gateway URL gets by default (set by the test app or gateway process). */
const defaultKeys = new Map<string, string>();

/** Makes `execute(url, ...)` and `wsClient(url)` send `key` unless told otherwise; null forgets. */
export function setDefaultApiKey(url: string, key: string | null): void {
  if (key === null) {
    defaultKeys.delete(url);
  } else {
    defaultKeys.set(url, key);
  }
}

export interface RequestOptions {
  /** The API key to send; `null` sends none. Default: the key registered for the URL. */
  apiKey?: string | null;
}

function keyFor(url: string, options: RequestOptions): string | null {
  return options.apiKey === undefined ? (defaultKeys.get(url) ?? null) : options.apiKey;
}

/** Sends one operation over real HTTP, as any GraphQL client would. */
export async function execute<TData, TVariables>(
  url: string,
  document: TypedDocumentNode<TData, TVariables>,
  variables?: TVariables,
  options: RequestOptions = {},
): Promise<FormattedExecutionResult<TData>> {
  const key = keyFor(url, options);
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(key === null ? {} : { authorization: `Bearer ${key}` }),
    },
    body: JSON.stringify({ query: print(document), variables }),
  });
  return (await response.json()) as FormattedExecutionResult<TData>;
}

/**
 * A graphql-ws client over a real WebSocket, sending the key in `connection_init`; close it
 * with `dispose()`.
 */
export function wsClient(httpUrl: string, options: RequestOptions = {}): Client {
  const key = keyFor(httpUrl, options);
  return createClient({
    url: httpUrl.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: false,
    ...(key === null ? {} : { connectionParams: { authorization: `Bearer ${key}` } }),
  });
}

/**
 * Subscribes and collects results; `next()` resolves with the next one (or rejects after
 * `timeoutMs`).
 */
export function subscribe<TData, TVariables>(
  client: Client,
  document: TypedDocumentNode<TData, TVariables>,
  variables?: TVariables,
) {
  const queue: FormattedExecutionResult<TData>[] = [];
  const waiters: ((value: FormattedExecutionResult<TData>) => void)[] = [];
  const unsubscribe = client.subscribe<TData>(
    { query: print(document), variables: (variables ?? {}) as Record<string, unknown> },
    {
      next: (value) => {
        const waiter = waiters.shift();
        if (waiter) {
          waiter(value as FormattedExecutionResult<TData>);
        } else {
          queue.push(value as FormattedExecutionResult<TData>);
        }
      },
      error: (error) => {
        const waiter = waiters.shift();
        const errors = Array.isArray(error) ? error : [error];
        // An `error` message carries GraphQL errors (kept whole, with their extensions.code);
        // a closed socket or a client failure is reported by its message.
        const result = {
          errors: errors.map((e: unknown) =>
            e instanceof Error
              ? { message: e.message }
              : typeof (e as { message?: unknown } | null)?.message === 'string'
                ? (e as { message: string })
                : { message: JSON.stringify(e) },
          ),
        };
        if (waiter) {
          waiter(result as FormattedExecutionResult<TData>);
        } else {
          queue.push(result as FormattedExecutionResult<TData>);
        }
      },
      complete: () => undefined,
    },
  );
  return {
    unsubscribe,
    next(timeoutMs = 10_000): Promise<FormattedExecutionResult<TData>> {
      const queued = queue.shift();
      if (queued) {
        return Promise.resolve(queued);
      }
      return new Promise((resolve, reject) => {
        const waiter = (value: FormattedExecutionResult<TData>) => {
          clearTimeout(timer);
          resolve(value);
        };
        const timer = setTimeout(() => {
          // Forget this waiter, or a later event would be handed to a promise nobody awaits.
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(new Error(`no subscription event within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.push(waiter);
      });
    },
  };
}

/**
 * Repeats `action` until the subscription yields an event. A subscription becomes live only
 * some time after `subscribe` returns (the server must receive it and listen on Redis), and
 * pub/sub does not replay, so a single publish right away could race it.
 */
export async function actUntilEvent<T>(
  subscription: { next(timeoutMs?: number): Promise<T> },
  action: () => Promise<unknown>,
  attempts = 20,
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    await action();
    try {
      return await subscription.next(500);
    } catch (error) {
      if (attempt >= attempts) {
        throw error;
      }
    }
  }
}
