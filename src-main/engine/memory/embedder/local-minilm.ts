/**
 * The shipped embedder: all-MiniLM-L6-v2 (int8 weights, ONNX) on onnxruntime-node's CPU provider,
 * computing what sentence-transformers computes for it: WordPiece ids cut at 256 tokens, the mean
 * of `last_hidden_state` over the attention mask, L2-normalized, 384 dimensions. The files come
 * from resources/embedder/ (scripts/fetch-embedder-model.mjs) and are checked against SHA256SUMS
 * before use; nothing is ever downloaded.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import * as ort from 'onnxruntime-node';
import type { EmbedderInfo } from '../../../../src-shared/contract';
import type { Embedder } from '../embedder-types';
import { normalizeInPlace } from './normalize';

export const LOCAL_MINILM_INFO: Readonly<EmbedderInfo> = Object.freeze({ provider: 'local', model: 'all-MiniLM-L6-v2-int8', dim: 384 });

/** The model this code was written and checked for; a different file would put other vectors under the same index key. */
const MODEL_SHA256 = '8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6';
const MODEL_FILE = 'model.onnx';
const TOKENIZER_FILE = 'tokenizer.json';
const SUMS_FILE = 'SHA256SUMS';
const FETCH_HINT = 'it ships in resources/embedder/all-MiniLM-L6-v2-int8/; restore it with git, or re-create it with `node scripts/fetch-embedder-model.mjs --force`';

/** MiniLM's training length (sentence-transformers' max_seq_length for it), [CLS] and [SEP] included. */
const MAX_TOKENS = 256;
/**
 * Texts per model run. Batching saves nothing on one thread (measured: ~35 ms per 120-token text at
 * batch 1, 8 and 16; 40 ms at 32, where the activations outgrow the cache) and padding costs, so
 * batches stay small and are formed from texts of similar length.
 */
const MAX_BATCH = 8;
/**
 * Texts are cut to this many characters before tokenizing: 256 tokens are reached long before
 * unless the text is one unsplittable run (a base64 blob), and it bounds the tokenizer's time on a
 * megabyte tool result (2,000 words take ~3 ms).
 */
const MAX_CHARS = 64 * 1024;

/** The model files are missing, damaged or not the expected model: fixing it needs a person, not a retry. */
export class EmbedderModelError extends Error {
  override name = 'EmbedderModelError';
}

export interface LocalEmbedderOptions {
  /** A folder holding model.onnx, tokenizer.json and SHA256SUMS (resources/embedder/all-MiniLM-L6-v2-int8). */
  modelDir: string;
  /** onnxruntime intra-op threads; 1 by default so memory never takes more than one core from ingest. */
  threads?: number;
}

export async function createLocalEmbedder(options: LocalEmbedderOptions): Promise<Embedder> {
  const threads = options.threads ?? 1;
  if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`threads must be a positive integer, got ${threads}`);
  const { modelBytes, tokenizerJson } = await readVerifiedFiles(options.modelDir);

  const tokenizer = new Tokenizer(JSON.parse(tokenizerJson) as object, {});
  const special = (token: string): number => {
    const id = tokenizer.token_to_id(token);
    if (id === undefined) throw new EmbedderModelError(`${join(options.modelDir, TOKENIZER_FILE)} has no ${token} token`);
    return id;
  };
  const ids = { cls: special('[CLS]'), sep: special('[SEP]'), pad: special('[PAD]') };

  // The session is created from the verified bytes, not from the path: the file could change between the check and the load.
  const session = await ort.InferenceSession.create(modelBytes, {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    logSeverityLevel: 3,
  });
  for (const name of ['input_ids', 'attention_mask', 'token_type_ids']) {
    if (!session.inputNames.includes(name)) throw new EmbedderModelError(`${join(options.modelDir, MODEL_FILE)} has no input ${name} (inputs: ${session.inputNames.join(', ')})`);
  }
  if (!session.outputNames.includes('last_hidden_state')) throw new EmbedderModelError(`${join(options.modelDir, MODEL_FILE)} has no output last_hidden_state`);

  /** [CLS] + the first 254 WordPiece ids + [SEP], as the Rust tokenizer's truncation to 256 gives. */
  const encode = (text: string): number[] => {
    const body = tokenizer.encode(text.length > MAX_CHARS ? text.slice(0, MAX_CHARS) : text, { add_special_tokens: false }).ids;
    return [ids.cls, ...body.slice(0, MAX_TOKENS - 2), ids.sep];
  };

  const runBatch = async (batch: readonly number[][]): Promise<Float32Array[]> => {
    const rows = batch.length;
    const width = Math.max(...batch.map((t) => t.length));
    const inputIds = new BigInt64Array(rows * width).fill(BigInt(ids.pad));
    const mask = new BigInt64Array(rows * width);
    batch.forEach((tokens, r) => {
      tokens.forEach((id, c) => {
        inputIds[r * width + c] = BigInt(id);
        mask[r * width + c] = 1n;
      });
    });
    const shape = [rows, width];
    const out = await session.run({
      input_ids: new ort.Tensor('int64', inputIds, shape),
      attention_mask: new ort.Tensor('int64', mask, shape),
      token_type_ids: new ort.Tensor('int64', new BigInt64Array(rows * width), shape),
    });
    const hidden = out['last_hidden_state'];
    if (!hidden || hidden.type !== 'float32') throw new Error(`model output last_hidden_state is ${hidden ? hidden.type : 'missing'}, expected float32`);
    const data = hidden.data as Float32Array;
    const dim = LOCAL_MINILM_INFO.dim;
    if (hidden.dims.join() !== [rows, width, dim].join()) throw new Error(`model output has shape [${hidden.dims.join(', ')}], expected [${rows}, ${width}, ${dim}]`);
    return batch.map((tokens, r) => {
      // Mean over the real tokens only: the mask is 1 for exactly the first tokens.length positions.
      const v = new Float32Array(dim);
      for (let c = 0; c < tokens.length; c++) {
        const at = (r * width + c) * dim;
        for (let d = 0; d < dim; d++) v[d]! += data[at + d]!;
      }
      for (let d = 0; d < dim; d++) v[d]! /= tokens.length;
      const unit = normalizeInPlace(v);
      if (!unit) throw new Error('the model produced a zero or non-finite vector');
      return unit;
    });
  };

  // One run at a time: onnxruntime-node runs off the JS thread, so overlapping embed() calls would
  // each take a core, and the memory process is allowed one (`threads`).
  let queue: Promise<unknown> = Promise.resolve();
  let closed = false;
  const serialized = <T>(job: () => Promise<T>): Promise<T> => {
    const result = queue.then(job);
    queue = result.catch(() => undefined);
    return result;
  };

  return {
    info: LOCAL_MINILM_INFO,
    embed(texts) {
      if (closed) return Promise.reject(new Error('the local embedder is closed'));
      if (texts.length === 0) return Promise.resolve([]);
      return serialized(async () => {
        const encoded = texts.map(encode);
        // Shortest first, so each batch pads little; the results go back in the caller's order
        // (a text's vector does not depend on its batch: padded positions are masked out).
        const order = encoded.map((_, i) => i).sort((a, b) => encoded[a]!.length - encoded[b]!.length);
        const vectors = new Array<Float32Array>(texts.length);
        for (let start = 0; start < order.length; start += MAX_BATCH) {
          const slice = order.slice(start, start + MAX_BATCH);
          const batchVectors = await runBatch(slice.map((i) => encoded[i]!));
          slice.forEach((i, k) => (vectors[i] = batchVectors[k]!));
        }
        return vectors;
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      await queue;
      await session.release();
    },
  };
}

/**
 * model.onnx and tokenizer.json, each checked against its line in SHA256SUMS, and the model against
 * the pin above. Missing files say how to get them; a mismatch names the file and both hashes.
 */
async function readVerifiedFiles(modelDir: string): Promise<{ modelBytes: Uint8Array; tokenizerJson: string }> {
  const read = async (name: string): Promise<Buffer> => {
    const path = join(modelDir, name);
    try {
      return await readFile(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new EmbedderModelError(`the local embedder's ${name} is missing (${path}): ${FETCH_HINT}`);
      throw err;
    }
  };
  const dir = await stat(modelDir).catch(() => null);
  if (!dir?.isDirectory()) throw new EmbedderModelError(`the local embedder's model folder ${modelDir} does not exist: ${FETCH_HINT}`);
  const sums = parseSums((await read(SUMS_FILE)).toString('utf8'));
  const verified = async (name: string): Promise<Buffer> => {
    const expected = sums.get(name);
    if (!expected) throw new EmbedderModelError(`${join(modelDir, SUMS_FILE)} lists no sha256 for ${name}: ${FETCH_HINT}`);
    const bytes = await read(name);
    const actual = createHash('sha256').update(bytes).digest('hex');
    if (actual !== expected) {
      throw new EmbedderModelError(`${join(modelDir, name)} is damaged or was replaced: its sha256 is ${actual}, SHA256SUMS expects ${expected}; ${FETCH_HINT}`);
    }
    return bytes;
  };
  const modelBytes = await verified(MODEL_FILE);
  if (sums.get(MODEL_FILE) !== MODEL_SHA256) {
    throw new EmbedderModelError(`${join(modelDir, MODEL_FILE)} is not all-MiniLM-L6-v2-int8: its sha256 is ${sums.get(MODEL_FILE)}, expected ${MODEL_SHA256}; ${FETCH_HINT}`);
  }
  const tokenizerJson = (await verified(TOKENIZER_FILE)).toString('utf8');
  return { modelBytes, tokenizerJson };
}

/** `sha256sum` output: `<64 hex>  <name>` per line (a `*` before the name marks binary mode). */
function parseSums(text: string): Map<string, string> {
  const sums = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([0-9a-f]{64}) [ *](.+)$/.exec(line.trim());
    if (m) sums.set(m[2]!, m[1]!);
  }
  return sums;
}
