import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A `models/{model}:generateContent` request as the emulator received it. */
export interface GenerateRequest {
  path: string;
  /** The `x-goog-api-key` header. */
  apiKey: string | undefined;
  /** The whole body as sent: every byte the model would have seen. */
  raw: string;
  system: string;
  prompt: string;
  generationConfig: Record<string, unknown>;
}

/** How the emulator answers one generateContent request. */
export type GenerateReply =
  | {
      status: number;
      headers?: Record<string, string>;
      body: unknown;
      /** Answers after this long, as a model at work would (widens concurrency windows). */
      afterMs?: number;
    }
  /** Never answers: the client's deadline has to end the call. */
  | { hang: true };

/**
 * A local HTTP server speaking Gemini's REST shapes (the SDK's base URL pointed at it):
 * `:generateContent` answered by `reply` (by default, one statement per fact of the prompt,
 * echoing it and citing its handle), and `:batchEmbedContents` with zero vectors, so the
 * catalogue search falls back to keywords. Requests are kept for assertions.
 */
export interface GeminiEmulator {
  url: string;
  generated: GenerateRequest[];
  /** The most generateContent requests it was ever answering at once. */
  maxInFlight: number;
  reply: (request: GenerateRequest, count: number) => GenerateReply;
  close(): Promise<void>;
}

/** A 200 whose first candidate's text is `json`, as Gemini's JSON mode answers. */
export function modelAnswer(json: unknown): GenerateReply {
  return {
    status: 200,
    body: {
      candidates: [
        {
          content: { role: 'model', parts: [{ text: JSON.stringify(json) }] },
          finishReason: 'STOP',
        },
      ],
      usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 10, totalTokenCount: 20 },
    },
  };
}

/** The facts of a prompt, as `[F1] text` lines. */
export function factLines(prompt: string): { handle: string; text: string }[] {
  return [...prompt.matchAll(/^\[(F\d+)\] (.*)$/gm)].map((m) => ({ handle: m[1]!, text: m[2]! }));
}

/** One statement per fact, citing it: what a perfectly literal model would write. */
export const echoFacts: GeminiEmulator['reply'] = (request) =>
  modelAnswer({
    statements: factLines(request.prompt).map((f) => ({ text: f.text, citations: [f.handle] })),
  });

interface GenerateBody {
  contents?: { parts?: { text?: string }[] }[];
  systemInstruction?: { parts?: { text?: string }[] };
  generationConfig?: Record<string, unknown>;
  requests?: { outputDimensionality?: number }[];
}

const textOf = (parts: { text?: string }[] | undefined) =>
  (parts ?? []).map((p) => p.text ?? '').join('');

export async function startGeminiEmulator(
  reply: GeminiEmulator['reply'] = echoFacts,
): Promise<GeminiEmulator> {
  const emulator: Omit<GeminiEmulator, 'url' | 'close'> = { generated: [], reply, maxInFlight: 0 };
  let inFlight = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const body = JSON.parse(raw) as GenerateBody;
      const path = req.url ?? '';
      if (path.includes(':batchEmbedContents')) {
        const embeddings = (body.requests ?? []).map((r) => ({
          values: new Array<number>(r.outputDimensionality ?? 256).fill(0),
        }));
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ embeddings }));
        return;
      }
      const request: GenerateRequest = {
        path,
        apiKey: req.headers['x-goog-api-key'] as string | undefined,
        raw,
        system: textOf(body.systemInstruction?.parts),
        prompt: (body.contents ?? []).map((c) => textOf(c.parts)).join('\n'),
        generationConfig: body.generationConfig ?? {},
      };
      emulator.generated.push(request);
      const answer = emulator.reply(request, emulator.generated.length);
      if ('hang' in answer) {
        return;
      }
      inFlight += 1;
      emulator.maxInFlight = Math.max(emulator.maxInFlight, inFlight);
      setTimeout(() => {
        inFlight -= 1;
        res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
        res.end(JSON.stringify(answer.body));
      }, answer.afterMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(emulator, {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
