import { fork } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Runs `bench/support/<file>` in a process of its own: sends it one message and resolves with
 * the one it sends back. Load must not share the event loop of the gateway it measures (issue
 * 9 measured 18 % lost that way). Structured-clone serialisation, so BigInt parameters (Neo4j
 * limits) survive the trip.
 */
export function runInChild<In, Out>(file: string, input: In): Promise<Out> {
  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), file);
  const child = fork(script, [], { stdio: 'inherit', serialization: 'advanced' });
  return new Promise((resolve, reject) => {
    child.once('message', (output) => resolve(output as Out));
    child.once('exit', (code) => reject(new Error(`${file} exited with ${code}`)));
    child.send(input as object);
  });
}
