/**
 * Where the shipped embedder's files are: `resources/embedder/<model>` of the checkout (tests, `npm
 * start`, the built app in out/), found by walking up from this file. A packaged desktop app passes
 * its own resources path instead (EngineOptions.memory.embedder).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const LOCAL_MODEL = 'all-MiniLM-L6-v2-int8';

export function defaultModelDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'resources', 'embedder', LOCAL_MODEL);
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  // Not found: the embedder says so, naming this path and how to fetch the model.
  return join(process.cwd(), 'resources', 'embedder', LOCAL_MODEL);
}
