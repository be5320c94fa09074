/**
 * L2 normalization shared by the embedders: every vector that leaves an embedder has length 1, so
 * cosine similarity is a dot product everywhere downstream (HNSW, re-ranking, tests).
 */

/** Scales `v` to unit length in place and returns it; null when it has no direction (all zeros). */
export function normalizeInPlace(v: Float32Array): Float32Array | null {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i]! * v[i]!;
  if (!(sum > 0) || !Number.isFinite(sum)) return null;
  const inv = 1 / Math.sqrt(sum);
  for (let i = 0; i < v.length; i++) v[i]! *= inv;
  return v;
}

/** Dot product, which for two unit vectors is their cosine similarity. */
export function dot(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`dot of vectors of ${a.length} and ${b.length} dimensions`);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}
