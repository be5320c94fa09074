/**
 * `forwarding.json` in the data directory: the saved upstream endpoints. Readable by its owner only
 * (headers carry API keys), written through a temporary file so a crash leaves the old list or the
 * new one.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyForwardingUpdate, type ForwardEndpoint } from '../../../src-shared/forwarding';

export const FORWARDING_FILE = 'forwarding.json';

/** The saved endpoints; `problem` says why the file could not be used (then nothing is forwarded). */
export function readForwardingFile(dataDir: string): { endpoints: ForwardEndpoint[]; problem?: string } {
  const path = join(dataDir, FORWARDING_FILE);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { endpoints: [] };
    return { endpoints: [], problem: `${path}: ${(err as Error).message}` };
  }
  try {
    const saved = JSON.parse(text) as { endpoints?: unknown };
    return { endpoints: applyForwardingUpdate([], saved.endpoints ?? []) };
  } catch (err) {
    return { endpoints: [], problem: `${path}: ${(err as Error).message}` };
  }
}

export function writeForwardingFile(dataDir: string, endpoints: readonly ForwardEndpoint[]): void {
  const path = join(dataDir, FORWARDING_FILE);
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify({ endpoints }, null, 2)}\n`, { mode: 0o600 });
  renameSync(temp, path);
}
