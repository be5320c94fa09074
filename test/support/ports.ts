/**
 * Loopback ports for tests: one held the way another collector would hold it, and one free a
 * moment ago (for a test that moves a receiver there).
 */
import { createServer } from 'node:net';

export interface HeldPort {
  port: number;
  /** Lets the port go; safe to call more than once. */
  release(): Promise<void>;
}

/** Listens on `port` (0: any free one) on 127.0.0.1 until released; rejects when it is taken. */
export async function occupyPort(port = 0): Promise<HeldPort> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const bound = (server.address() as { port: number }).port;
  let released: Promise<void> | null = null;
  return {
    port: bound,
    release: () => (released ??= new Promise<void>((resolve) => server.close(() => resolve()))),
  };
}

/** A port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const held = await occupyPort();
  await held.release();
  return held.port;
}
