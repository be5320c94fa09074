/**
 * The embedders: the shipped MiniLM on the real model files (meaning, agreement with an independent
 * Python computation, batching, truncation, refusal of damaged files), the OpenAI-compatible client
 * against a real HTTP server on loopback, and the test-only hashing vectorizer.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Embedder } from '../../../src-main/engine/memory/embedder-types';
import { createHashingEmbedder } from '../../../src-main/engine/memory/embedder/hashing';
import { createLocalEmbedder, EmbedderModelError } from '../../../src-main/engine/memory/embedder/local-minilm';
import { dot } from '../../../src-main/engine/memory/embedder/normalize';
import { createOpenAiCompatibleEmbedder, embeddingsUrl, EmbedderRequestError } from '../../../src-main/engine/memory/embedder/openai-compatible';

const REPO = new URL('../../../', import.meta.url).pathname;
const MODEL_DIR = join(REPO, 'resources/embedder/all-MiniLM-L6-v2-int8');
const MODEL_SHA256 = '8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6';

/** Paraphrases sharing no content word, as agent traces phrase the same failure or request. */
const PARAPHRASES: readonly [string, string][] = [
  ['the booking service timed out', 'reservation backend took too long to answer'],
  ['the user wants a refund for a damaged order', 'customer asks for their money back because the package arrived broken'],
  ['the API key is invalid', 'authentication failed: credentials were rejected'],
  ['search the web for the latest weather in Paris', "look up today's forecast for the French capital"],
  ['the database ran out of disk space', 'storage volume is full, writes are failing'],
];
const UNRELATED = ['the cat sat on a mat', 'a recipe for chocolate cake with three eggs', 'the football match ended in a draw'];

function assertUnit(v: Float32Array, dim: number): void {
  assert.equal(v.length, dim);
  assert.ok(Math.abs(dot(v, v) - 1) < 1e-5, `length² ${dot(v, v)}`);
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'flowtrace-embedder-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A copy of the model folder whose files the test may then damage. */
function copyModelDir(dir: string): void {
  for (const name of ['model.onnx', 'tokenizer.json', 'SHA256SUMS']) copyFileSync(join(MODEL_DIR, name), join(dir, name));
}

describe('local MiniLM embedder (real model)', () => {
  let embedder: Embedder;
  before(async () => {
    embedder = await createLocalEmbedder({ modelDir: MODEL_DIR });
  });
  after(async () => {
    await embedder.close();
  });

  test('describes itself as local all-MiniLM-L6-v2-int8, 384 dimensions, and returns unit vectors', async () => {
    assert.deepEqual(embedder.info, { provider: 'local', model: 'all-MiniLM-L6-v2-int8', dim: 384 });
    for (const v of await embedder.embed(['one short text', '', '   ', '🚀'])) assertUnit(v, 384);
    assert.deepEqual(await embedder.embed([]), []);
  });

  test('agrees with an independent Python computation (Rust tokenizers, Python onnxruntime), truncation included', async () => {
    // fixtures/minilm-reference.py wrote these; its third text is longer than 256 tokens.
    const ref = JSON.parse(readFileSync(join(REPO, 'test/engine/memory/fixtures/minilm-reference.json'), 'utf8')) as { cases: { text: string; first8: number[] }[] };
    const vectors = await embedder.embed(ref.cases.map((c) => c.text));
    ref.cases.forEach((c, i) => {
      // Measured agreement is ~5e-7 (the fixture keeps 6 decimals); 1e-4 leaves room for other CPUs' float kernels.
      c.first8.forEach((want, d) => assert.ok(Math.abs(vectors[i]![d]! - want) < 1e-4, `case ${i} dim ${d}: ${vectors[i]![d]} vs ${want}`));
    });
  });

  test('a paraphrase with no shared content word scores above every unrelated text and every other pair', async () => {
    const texts = [...PARAPHRASES.flat(), ...UNRELATED];
    const v = await embedder.embed(texts);
    PARAPHRASES.forEach(([a, b], p) => {
      const va = v[2 * p]!;
      const vb = v[2 * p + 1]!;
      const same = dot(va, vb);
      v.forEach((other, j) => {
        if (j === 2 * p || j === 2 * p + 1) return;
        assert.ok(same > dot(va, other), `"${a}" ~ "${b}" (${same.toFixed(3)}) should beat "${texts[j]}" (${dot(va, other).toFixed(3)})`);
        assert.ok(same > dot(vb, other), `"${b}" ~ "${a}" (${same.toFixed(3)}) should beat "${texts[j]}" (${dot(vb, other).toFixed(3)})`);
      });
    });
  });

  test('a text gets the same vector alone as in a batch of texts of other lengths (within 1e-5)', async () => {
    const texts = [UNRELATED[0]!, 'x', PARAPHRASES[1]![1].repeat(6), PARAPHRASES[0]![0], '', PARAPHRASES[2]![1].repeat(2), ...PARAPHRASES.flat()];
    const batch = await embedder.embed(texts);
    for (let i = 0; i < texts.length; i++) {
      const [alone] = await embedder.embed([texts[i]!]);
      assert.ok(maxAbsDiff(alone!, batch[i]!) < 1e-5, `text ${i} differs by ${maxAbsDiff(alone!, batch[i]!)}`);
    }
  });

  test('is deterministic: the same texts give identical vectors on every call and in every instance', async () => {
    const texts = PARAPHRASES.flat();
    const first = await embedder.embed(texts);
    const again = await embedder.embed(texts);
    const other = await createLocalEmbedder({ modelDir: MODEL_DIR });
    try {
      const fresh = await other.embed(texts);
      texts.forEach((_, i) => {
        assert.deepEqual(again[i], first[i]);
        assert.deepEqual(fresh[i], first[i]);
      });
    } finally {
      await other.close();
    }
  });

  test('a 2,000-word text embeds, cut at 256 tokens: it equals its own 1,000-word prefix', async () => {
    const words = Array.from({ length: 2000 }, (_, i) => ['agent', 'called', 'tool', 'search', 'with', 'query', 'flights', 'paris'][i % 8]);
    const [whole, prefix] = await embedder.embed([words.join(' '), words.slice(0, 1000).join(' ')]);
    assertUnit(whole!, 384);
    assert.ok(maxAbsDiff(whole!, prefix!) < 1e-6);
  });

  test('overlapping embed() calls all get their own answers', async () => {
    const texts = PARAPHRASES.flat();
    const alone = await embedder.embed(texts);
    const overlapped = await Promise.all(texts.map((t) => embedder.embed([t])));
    overlapped.forEach(([v], i) => assert.ok(maxAbsDiff(v!, alone[i]!) < 1e-5));
  });

  test('a closed embedder refuses to embed', async () => {
    const e = await createLocalEmbedder({ modelDir: MODEL_DIR });
    await e.close();
    await assert.rejects(e.embed(['text']), /closed/);
  });
});

describe('local MiniLM embedder refuses missing or damaged model files', () => {
  test('a model file with one byte flipped is refused, naming the file and both hashes', async (t) => {
    const dir = tempDir(t);
    copyModelDir(dir);
    const model = readFileSync(join(dir, 'model.onnx'));
    model[model.length >> 1]! ^= 0x01;
    writeFileSync(join(dir, 'model.onnx'), model);
    await assert.rejects(createLocalEmbedder({ modelDir: dir }), (err: Error) => {
      assert.ok(err instanceof EmbedderModelError);
      assert.ok(err.message.includes(join(dir, 'model.onnx')), err.message);
      assert.ok(err.message.includes(MODEL_SHA256), err.message);
      assert.match(err.message, /its sha256 is [0-9a-f]{64}, SHA256SUMS expects/);
      assert.match(err.message, /fetch-embedder-model\.mjs/);
      return true;
    });
  });

  test('a damaged tokenizer.json is refused too', async (t) => {
    const dir = tempDir(t);
    copyModelDir(dir);
    writeFileSync(join(dir, 'tokenizer.json'), readFileSync(join(dir, 'tokenizer.json'), 'utf8').replace('[UNK]', '[UNX]'));
    await assert.rejects(createLocalEmbedder({ modelDir: dir }), /tokenizer\.json is damaged or was replaced/);
  });

  test('another model listed in a matching SHA256SUMS is refused: it would put other vectors under this index key', async (t) => {
    const dir = tempDir(t);
    copyModelDir(dir);
    writeFileSync(join(dir, 'model.onnx'), 'not MiniLM');
    const sums = readFileSync(join(dir, 'SHA256SUMS'), 'utf8').replace(MODEL_SHA256, createHash('sha256').update('not MiniLM').digest('hex'));
    writeFileSync(join(dir, 'SHA256SUMS'), sums);
    await assert.rejects(createLocalEmbedder({ modelDir: dir }), /is not all-MiniLM-L6-v2-int8/);
  });

  test('a missing model folder or file says how to get it', async (t) => {
    const dir = tempDir(t);
    await assert.rejects(createLocalEmbedder({ modelDir: join(dir, 'nowhere') }), (err: Error) => {
      assert.ok(err instanceof EmbedderModelError);
      assert.match(err.message, /model folder .*nowhere does not exist.*node scripts\/fetch-embedder-model\.mjs/);
      return true;
    });
    copyModelDir(dir);
    rmSync(join(dir, 'model.onnx'));
    await assert.rejects(createLocalEmbedder({ modelDir: dir }), /model\.onnx is missing .*fetch-embedder-model\.mjs/);
  });

  test('threads must be a positive integer', async () => {
    await assert.rejects(createLocalEmbedder({ modelDir: MODEL_DIR, threads: 0 }), RangeError);
  });
});

/** A recorded request to the fake embeddings server. */
interface Seen {
  method: string;
  url: string;
  authorization: string | undefined;
  body: { model?: unknown; input?: unknown };
}

type Answer = (body: Seen['body'], res: ServerResponse) => void;

/** A vector the fake server derives from a text, so answers can be checked per input. */
function fakeVector(text: string, dim: number): number[] {
  return Array.from({ length: dim }, (_, d) => (d === 0 ? text.length + 1 : (d * 7 + text.charCodeAt(d % Math.max(1, text.length)) || d) % 5));
}

function json(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
}

/** Answers like OpenAI: `data` in input order, each with its index. */
const answerInOrder =
  (dim: number): Answer =>
  (body, res) =>
    json(res, 200, { object: 'list', data: (body.input as string[]).map((t, index) => ({ object: 'embedding', index, embedding: fakeVector(t, dim) })) });

describe('OpenAI-compatible embedder (real HTTP server on loopback)', () => {
  let server: Server;
  let base: string;
  const seen: Seen[] = [];
  let answer: Answer = answerInOrder(4);

  before(async () => {
    server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Seen['body'];
        seen.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization, body });
        answer(body, res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  /** Runs `fn` with a fresh request log and the given answer. */
  const withServer = async (a: Answer, fn: () => Promise<void>): Promise<void> => {
    seen.length = 0;
    answer = a;
    await fn();
  };

  test('the base URL works with or without /v1 and trailing slashes', () => {
    assert.equal(embeddingsUrl('http://127.0.0.1:11434'), 'http://127.0.0.1:11434/v1/embeddings');
    assert.equal(embeddingsUrl('http://127.0.0.1:11434/'), 'http://127.0.0.1:11434/v1/embeddings');
    assert.equal(embeddingsUrl('http://127.0.0.1:1234/v1'), 'http://127.0.0.1:1234/v1/embeddings');
    assert.equal(embeddingsUrl('https://api.openai.com/v1/'), 'https://api.openai.com/v1/embeddings');
    assert.equal(embeddingsUrl('https://gateway.example/openai'), 'https://gateway.example/openai/v1/embeddings');
    assert.throws(() => embeddingsUrl('localhost:11434'), /must be http or https/);
    assert.throws(() => embeddingsUrl('not a url'), /is not a URL/);
  });

  test('probes the dimension once, then POSTs {model, input} to /v1/embeddings with the API key as a bearer token', () =>
    withServer(answerInOrder(4), async () => {
      const e = await createOpenAiCompatibleEmbedder({ baseUrl: `${base}/v1/`, model: 'nomic-embed-text', apiKey: 'sk-test' });
      assert.deepEqual(e.info, { provider: 'openai', model: 'nomic-embed-text', dim: 4 });
      assert.equal(seen.length, 1, 'one probe at creation');
      const out = await e.embed(['first text', 'second']);
      assert.equal(seen.length, 2);
      const last = seen[1]!;
      assert.equal(last.method, 'POST');
      assert.equal(last.url, '/v1/embeddings');
      assert.equal(last.authorization, 'Bearer sk-test');
      assert.deepEqual(last.body, { model: 'nomic-embed-text', input: ['first text', 'second'] });
      out.forEach((v) => assertUnit(v, 4));
      await e.close();
    }));

  test('sends no Authorization header without an API key, and one space for an empty text', () =>
    withServer(answerInOrder(3), async () => {
      const e = await createOpenAiCompatibleEmbedder({ baseUrl: base, model: 'm' });
      await e.embed(['', 'x']);
      assert.equal(seen[1]!.authorization, undefined);
      assert.equal(seen[1]!.url, '/v1/embeddings');
      assert.deepEqual(seen[1]!.body.input, [' ', 'x']);
    }));

  test('orders answers by index, not by position, and normalizes them', () =>
    withServer(
      (body, res) => {
        const input = body.input as string[];
        const data = input.map((t, index) => ({ index, embedding: fakeVector(t, 4) })).reverse();
        json(res, 200, { data });
      },
      async () => {
        const e = await createOpenAiCompatibleEmbedder({ baseUrl: base, model: 'm' });
        const texts = ['a', 'bb', 'ccc'];
        const out = await e.embed(texts);
        texts.forEach((t, i) => {
          const raw = fakeVector(t, 4);
          const norm = Math.hypot(...raw);
          raw.forEach((x, d) => assert.ok(Math.abs(out[i]![d]! - x / norm) < 1e-6));
        });
      },
    ));

  test('splits a long list into several requests and keeps the order', () =>
    withServer(answerInOrder(4), async () => {
      const e = await createOpenAiCompatibleEmbedder({ baseUrl: base, model: 'm' });
      const texts = Array.from({ length: 300 }, (_, i) => `text number ${i}`);
      const out = await e.embed(texts);
      assert.equal(seen.length, 1 + 3);
      assert.deepEqual(seen.slice(1).flatMap((s) => s.body.input as string[]), texts);
      const single = await e.embed([texts[250]!]);
      assert.deepEqual(out[250], single[0]);
    }));

  test('an HTTP error names the status and quotes the body', () =>
    withServer(
      (_body, res) => json(res, 500, { error: { message: 'model "m" not found, try pulling it first' } }),
      async () => {
        await assert.rejects(createOpenAiCompatibleEmbedder({ baseUrl: base, model: 'm', apiKey: 'sk-secret' }), (err: Error) => {
          assert.ok(err instanceof EmbedderRequestError);
          assert.equal(err.status, 500);
          assert.match(err.message, /\/v1\/embeddings \(model m\) answered HTTP 500: .*not found, try pulling it first/);
          assert.ok(!err.message.includes('sk-secret'));
          return true;
        });
      },
    ));

  test('a change of dimension after creation is an error naming both', async () => {
    let dim = 4;
    await withServer(
      (body, res) => answerInOrder(dim)(body, res),
      async () => {
        const e = await createOpenAiCompatibleEmbedder({ baseUrl: base, model: 'm' });
        dim = 8;
        await assert.rejects(e.embed(['x']), /answered a 8-dimension embedding, but it gave 4 dimensions when this embedder was created/);
      },
    );
  });

  test('a wrong number of embeddings, a bad index or a non-JSON answer is an error', async () => {
    await withServer(
      (body, res) => json(res, 200, { data: [{ index: 0, embedding: [1, 0] }] }),
      async () => {
        const e = await createOpenAiCompatibleEmbedder({ baseUrl: base, model: 'm' });
        await assert.rejects(e.embed(['a', 'b']), /answered 1 embeddings for 2 inputs/);
      },
    );
    await withServer(
      (body, res) => json(res, 200, { data: (body.input as string[]).map(() => ({ index: 0, embedding: [1, 0] })) }),
      async () => {
        const e = await createOpenAiCompatibleEmbedder({ baseUrl: base, model: 'm' });
        await assert.rejects(e.embed(['a', 'b']), /answered index 0 twice/);
      },
    );
    await withServer(
      (_body, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>proxy login</html>'),
      async () => {
        await assert.rejects(createOpenAiCompatibleEmbedder({ baseUrl: base, model: 'm' }), /not JSON: <html>proxy login<\/html>/);
      },
    );
    await withServer(
      (_body, res) => json(res, 200, { data: [{ index: 0, embedding: 'AAAAAA==' }] }),
      async () => {
        await assert.rejects(createOpenAiCompatibleEmbedder({ baseUrl: base, model: 'm' }), /not a list of numbers/);
      },
    );
  });

  test('a server that does not answer in time gives a timeout error', () =>
    withServer(
      () => {
        /* never answers */
      },
      async () => {
        await assert.rejects(createOpenAiCompatibleEmbedder({ baseUrl: base, model: 'm', timeoutMs: 150 }), /did not answer within 150 ms/);
      },
    ));

  test('an unreachable server gives a clear error', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await assert.rejects(createOpenAiCompatibleEmbedder({ baseUrl: `http://127.0.0.1:${port}`, model: 'm' }), /could not reach http:\/\/127\.0\.0\.1:\d+\/v1\/embeddings/);
  });
});

describe('hashing embedder (tests only)', () => {
  test('is deterministic and returns unit vectors of the asked dimension, even for texts without words', async () => {
    const e = createHashingEmbedder();
    assert.deepEqual(e.info, { provider: 'hashing', model: 'words-trigrams-fnv1a', dim: 256 });
    const texts = ['the booking service timed out', '', '!!!', 'Ünïcödé wörds 123'];
    const a = await e.embed(texts);
    const b = await createHashingEmbedder().embed(texts);
    a.forEach((v, i) => {
      assertUnit(v, 256);
      assert.deepEqual(v, b[i]);
    });
    const [small] = await createHashingEmbedder(32).embed(['x']);
    assertUnit(small!, 32);
  });

  test('scores shared words above unrelated text, and misses a paraphrase without shared words (why it is never a default)', async () => {
    const e = createHashingEmbedder();
    const [q, sharing, unrelated, paraphrase] = await e.embed(['the booking service timed out', 'booking service timeout again', 'the cat sat on a mat', PARAPHRASES[0]![1]]);
    assert.ok(dot(q!, sharing!) > dot(q!, unrelated!));
    assert.ok(dot(q!, paraphrase!) < dot(q!, unrelated!), 'MiniLM ranks this paraphrase first; hashing does not');
  });
});
