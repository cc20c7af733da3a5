import type { GatewayMetrics } from './metrics.js';

/**
 * Wraps a subscription's result stream so the open-subscriptions gauge follows it: up when
 * graphql-ws starts iterating, down once when the stream ends, fails, or is returned (the
 * client completed it or the socket closed). A plain iterator, not an async generator: its
 * `return` reaches the source at once instead of waiting for the next event.
 */
export function trackSubscription<T>(
  metrics: GatewayMetrics,
  source: AsyncIterable<T>,
): AsyncIterableIterator<T> {
  const iterator = source[Symbol.asyncIterator]();
  metrics.subscriptionStarted();
  let open = true;
  const end = () => {
    if (open) {
      open = false;
      metrics.subscriptionEnded();
    }
  };
  const tracked: AsyncIterableIterator<T> = {
    async next() {
      try {
        const step = await iterator.next();
        if (step.done === true) {
          end();
        }
        return step;
      } catch (error) {
        end();
        throw error;
      }
    },
    async return(value?: unknown) {
      end();
      return iterator.return ? iterator.return(value) : { done: true, value };
    },
    async throw(error?: unknown) {
      end();
      if (iterator.throw) {
        return iterator.throw(error);
      }
      throw error;
    },
    [Symbol.asyncIterator]() {
      return tracked;
    },
  };
  return tracked;
}
