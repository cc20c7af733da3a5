import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the receiver got it: headers lower-cased, the body as sent. */
export interface ReceivedRequest {
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The status the receiver answered with. */
  status: number;
}

/**
 * A real HTTP receiver on a free loopback port, as a customer's endpoint would be. `answer`
 * decides each response's status from the requests so far (the current one included); change
 * it at any time. `close()` ends it.
 */
export interface WebhookReceiver {
  url: string;
  requests: ReceivedRequest[];
  /** The most requests it was ever answering at once. */
  maxInFlight: number;
  answer: (request: ReceivedRequest, count: number) => number;
  close(): Promise<void>;
}

export async function startWebhookReceiver(
  answer: WebhookReceiver['answer'] = () => 200,
  /** How long it takes to answer, like a real endpoint doing work (widens races). */
  answerAfterMs = 0,
): Promise<WebhookReceiver> {
  const receiver: Omit<WebhookReceiver, 'url' | 'close'> = { requests: [], answer, maxInFlight: 0 };
  let inFlight = 0;
  const server = http.createServer((req, res) => {
    inFlight += 1;
    receiver.maxInFlight = Math.max(receiver.maxInFlight, inFlight);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = {
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        status: 0,
      };
      receiver.requests.push(request);
      const status = receiver.answer(request, receiver.requests.length);
      request.status = status;
      setTimeout(() => {
        inFlight -= 1;
        res.writeHead(status, { 'content-type': 'text/plain' }).end(`status ${status}`);
      }, answerAfterMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${port}/hooks`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  }) as WebhookReceiver;
}
