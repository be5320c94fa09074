/**
 * Shared by the memory's tests: a memory file in a temp dir, run items with defaults, and
 * deterministic unit vectors (bags of hashed words, so texts sharing words are near) without a model.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryDb, memoryDbFile, type RunItemInput } from '../../../src-main/engine/memory/memory-db';
import { textHash } from '../../../src-main/engine/memory/chunker';

export interface TempMemory {
  db: MemoryDb;
  dir: string;
  file: string;
  cleanup(): void;
}

export function tempMemory(): TempMemory {
  const dir = mkdtempSync(join(tmpdir(), 'flowtrace-memory-'));
  const file = memoryDbFile(dir);
  const db = MemoryDb.open(file);
  return {
    db,
    dir,
    file,
    cleanup() {
      try {
        db.close();
      } catch {
        // already closed by the test
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const TRACE_A = 'a'.repeat(32);
export const TRACE_B = 'b'.repeat(32);
export const TRACE_C = 'c'.repeat(32);

export function runItem(text: string, over: Partial<RunItemInput> = {}): RunItemInput {
  const source = over.source ?? 'message';
  return {
    source,
    text,
    contentHash: textHash(source, text),
    traceId: TRACE_A,
    spanId: '1'.repeat(16),
    spanName: 'chat gpt-4o',
    startNs: '1700000000000000000',
    service: 'travel-agent',
    model: 'gpt-4o',
    agent: 'planner',
    sessionId: 'session-1',
    ...over,
  };
}

function hash32(s: string, seed: number): number {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619) >>> 0;
  return h;
}

/** Each word adds ±1 in two hashed buckets; normalized. Texts that share words have a positive cosine. */
export function wordVector(text: string, dim = 64): Float32Array {
  const v = new Float32Array(dim);
  for (const w of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    for (const seed of [2166136261, 374761393]) {
      const h = hash32(w, seed);
      v[h % dim]! += h & 0x8000_0000 ? -1 : 1;
    }
  }
  return normalize(v);
}

/** A seeded pseudo-random unit vector. */
export function randomUnit(seed: number, dim = 64): Float32Array {
  let s = seed >>> 0 || 1;
  const v = new Float32Array(dim);
  for (let i = 0; i < dim; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    v[i] = s / 2 ** 32 - 0.5;
  }
  return normalize(v);
}

export function normalize(v: Float32Array): Float32Array {
  let n = 0;
  for (const x of v) n += x * x;
  n = Math.sqrt(n) || 1;
  for (let i = 0; i < v.length; i++) v[i]! /= n;
  return v;
}
