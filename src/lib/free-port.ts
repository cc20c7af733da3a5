import net from 'node:net';

/*
 * Ports are drawn below Linux's ephemeral range (32768-60999 by default). A port the kernel
 * hands out for `listen(0)` comes from that range, which is also where it picks the source
 * ports of outgoing connections: between the probe and the real bind (a JVM starting, say), any
 * new connection could take it ("Address already in use"). Below the range only another
 * listener can, and the probe retries those.
 */
const LOWEST = 20_000;
const HIGHEST = 32_767;
const ATTEMPTS = 50;

/**
 * A TCP port that was free on `host` a moment ago, outside the range outgoing connections draw
 * from. Another listener may still take it before the caller binds; acceptable for embedded
 * services and tests on loopback.
 */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
    const port = LOWEST + Math.floor(Math.random() * (HIGHEST - LOWEST + 1));
    if (await isFree(port, host)) {
      return port;
    }
  }
  throw new Error(`no free port between ${LOWEST} and ${HIGHEST} on ${host}`);
}

function isFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, host, () => probe.close(() => resolve(true)));
  });
}
