/**
 * The memory against a real `flowtrace serve` with the shipped sentence model: runs sent by the
 * official OTel exporter are remembered and found by meaning; collections survive a restart; a
 * damaged index is rebuilt; writes refuse foreign pages; the CLI talks to the running engine.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { request } from 'node:http';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportSpans } from '../support/otel';
import { MEMORY_RUNS, PARAPHRASE_OF_FIRST, recordConversation, type RecordedRun } from '../support/memory-runs';
import { REPO_ROOT, startServe, tempDataDir, type ServeProcess } from '../support/serve-process';
import type { MemoryStatus, SearchAnswer } from '../../src-shared/contract';

const MEMORY_ARGS = ['--embedder', 'local'];
let server: ServeProcess;
let runs: RecordedRun[];
const dataDir = tempDataDir();

async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(`${server.api}${path}`);
  assert.equal(res.status, 200, `${path}: ${await res.clone().text()}`);
  return (await res.json()) as T;
}

/** Until everything stored is remembered (the memory works at the lowest CPU priority). */
async function memoryCaughtUp(minItems: number): Promise<MemoryStatus> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const status = await getJson<MemoryStatus>('/api/v1/memory/status');
    if (status.backlogSpans === 0 && status.items >= minItems && status.lastError === null) return status;
    if (Date.now() > deadline) throw new Error(`memory did not catch up: ${JSON.stringify(status)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const search = (q: string, mode: string) => getJson<SearchAnswer>(`/api/v1/search?${new URLSearchParams({ q, mode })}`);

function write(method: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${server.api}${path}`, { method, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

/** fetch cannot send a Host of its choosing; a DNS-rebound page's request can. */
function postWithHost(path: string, host: string, body: string): Promise<number> {
  const url = new URL(server.api);
  return new Promise((resolve, reject) => {
    request({ host: url.hostname, port: url.port, path, method: 'POST', headers: { host, 'content-type': 'application/json' } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    })
      .on('error', reject)
      .end(body);
  });
}

before(async () => {
  server = await startServe({ dataDir, args: MEMORY_ARGS });
  runs = MEMORY_RUNS.map(recordConversation);
  for (const run of runs) await exportSpans(server.otlpHttp, 'protobuf', run.spans);
  await memoryCaughtUp(6);
});

after(async () => {
  await server?.stop();
});

test('a query sharing no word with a run finds it first, by meaning and hybrid; by words it does not', async () => {
  for (const mode of ['semantic', 'hybrid']) {
    const answer = await search(PARAPHRASE_OF_FIRST, mode);
    assert.equal(answer.mode, mode);
    assert.deepEqual(answer.embedder, { provider: 'local', model: 'all-MiniLM-L6-v2-int8', dim: 384 });
    assert.ok(answer.results.length > 0, `${mode}: no results`);
    assert.equal(answer.results[0]!.traceId, runs[0]!.traceId, `${mode}: first result ${JSON.stringify(answer.results[0])}`);
    assert.equal(answer.results[0]!.sessionId, 'sess-hotel');
  }
  const words = await search(PARAPHRASE_OF_FIRST, 'text');
  assert.ok(!words.results.some((r) => r.traceId === runs[0]!.traceId), 'no shared word, so no word match');
});

test('a result names its span, source and snippet; filters narrow the search', async () => {
  const answer = await search('refund for a double charge', 'hybrid');
  const first = answer.results[0]!;
  assert.equal(first.traceId, runs[1]!.traceId);
  assert.ok(runs[1]!.spanIds.includes(first.spanId));
  assert.ok(['message', 'tool', 'error'].includes(first.source));
  assert.ok(first.snippet.length > 0);
  assert.equal(first.service, 'support-bot');
  const filtered = await getJson<SearchAnswer>(`/api/v1/search?${new URLSearchParams({ q: 'refund for a double charge', service: 'data-pipeline' })}`);
  assert.ok(filtered.results.every((r) => r.service === 'data-pipeline'));
  const errors = await search('booking service timed out', 'text');
  assert.ok(errors.results.some((r) => r.traceId === runs[0]!.traceId && r.source === 'error'), 'the failed tool call is remembered as an error');
});

test('similar runs: a span finds the runs like it, never its own', async () => {
  const like = await getJson<SearchAnswer>(`/api/v1/search?similarTrace=${runs[0]!.traceId}&similarSpan=${runs[0]!.llmSpanId}`);
  assert.ok(like.results.every((r) => r.traceId !== runs[0]!.traceId));
});

test('bad searches get a clear 400', async () => {
  for (const [query, message] of [
    ['', /needs q/],
    ['q=x&mode=fuzzy', /mode must be one of hybrid, semantic, text/],
    ['q=x&limit=0', /limit must be an integer from 1 to 100/],
    ['similarTrace=nothex', /traceId must be 32 hex/],
  ] as const) {
    const res = await fetch(`${server.api}/api/v1/search?${query}`);
    assert.equal(res.status, 400, query);
    assert.match(((await res.json()) as { error: string }).error, message);
  }
});

test('remember, recall, list and forget; a foreign page cannot write', async () => {
  const res = await write('POST', '/api/v1/memory/notes', { text: 'The staging database password rotates every Monday at nine.', metadata: { team: 'infra' } });
  assert.equal(res.status, 201);
  const { id } = (await res.json()) as { id: string };
  await write('POST', '/api/v1/memory/notes', { text: 'Lunch is served on the fourth floor.' });
  const recalled = (await (await write('POST', '/api/v1/memory/notes/recall', { query: 'when do credentials for the test environment change', k: 2 })).json()) as {
    items: Array<{ id: string; text: string; score: number; metadata: Record<string, unknown> }>;
  };
  assert.equal(recalled.items[0]!.id, id);
  assert.deepEqual(recalled.items[0]!.metadata, { team: 'infra' });
  const filtered = (await (await write('POST', '/api/v1/memory/notes/recall', { query: 'food', filter: { team: 'infra' } })).json()) as { items: Array<{ id: string }> };
  assert.deepEqual(filtered.items.map((i) => i.id), [id]);
  const { collections } = await getJson<{ collections: Array<{ name: string; count: number }> }>('/api/v1/memory');
  assert.deepEqual(collections.find((c) => c.name === 'notes')?.count, 2);

  const foreign = await write('POST', '/api/v1/memory/notes', { text: 'injected' }, { origin: 'https://evil.example' });
  assert.equal(foreign.status, 403);
  const foreignDelete = await fetch(`${server.api}/api/v1/memory/notes/${id}`, { method: 'DELETE', headers: { origin: 'https://evil.example' } });
  assert.equal(foreignDelete.status, 403);
  assert.equal(await postWithHost('/api/v1/memory/notes', 'evil.example:80', '{"text":"injected"}'), 403);
  const plain = await fetch(`${server.api}/api/v1/memory/notes`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"text":"x"}' });
  assert.equal(plain.status, 415);
  const bad = await write('POST', '/api/v1/memory/bad%20name', { text: 'x' });
  assert.equal(bad.status, 400);
  const empty = await write('POST', '/api/v1/memory/notes', { text: '  ' });
  assert.equal(empty.status, 400);
  assert.equal((await getJson<{ items: unknown[] }>('/api/v1/memory/notes')).items.length, 2, 'refused writes left nothing behind');

  const gone = await fetch(`${server.api}/api/v1/memory/notes/${id}`, { method: 'DELETE' });
  assert.equal(gone.status, 204);
  assert.equal((await fetch(`${server.api}/api/v1/memory/notes/${id}`, { method: 'DELETE' })).status, 404);
  const after = (await (await write('POST', '/api/v1/memory/notes/recall', { query: 'when do credentials for the test environment change' })).json()) as { items: Array<{ id: string }> };
  assert.ok(after.items.every((i) => i.id !== id));
});

test('the CLI searches and remembers through the running engine', async () => {
  // Not spawnSync: a blocked event loop lets the server drop this process's idle keep-alive
  // connections, and the next fetch would reuse a closed one.
  const run = (args: string[]) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [join(REPO_ROOT, 'bin/flowtrace.mjs'), ...args], { encoding: 'utf8' }, (err, stdout, stderr) => {
        resolve({ status: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
      });
    });
  const cli = (...args: string[]) => run([...args, '--api', server.api]);
  const found = await cli('search', PARAPHRASE_OF_FIRST, '--json');
  assert.equal(found.status, 0, found.stderr);
  assert.equal((JSON.parse(found.stdout) as SearchAnswer).results[0]!.traceId, runs[0]!.traceId);
  const remembered = await cli('memory', 'remember', 'cli-notes', 'The deploy freeze starts on the twentieth.');
  assert.equal(remembered.status, 0, remembered.stderr);
  const id = /cli-notes\/(\d+)/.exec(remembered.stdout)?.[1];
  assert.ok(id, remembered.stdout);
  const recalled = await cli('memory', 'recall', 'cli-notes', 'when can we not ship releases');
  assert.match(recalled.stdout, new RegExp(`#${id}\\s+The deploy freeze`));
  assert.equal((await cli('memory', 'forget', 'cli-notes', id)).status, 0);
  const missing = await cli('memory', 'forget', 'cli-notes', id);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /no such memory item/);
  const nobody = await run(['search', 'x', '--api', 'http://127.0.0.1:9']);
  assert.equal(nobody.status, 1);
  assert.match(nobody.stderr, /no Flowtrace answers at http:\/\/127\.0\.0\.1:9/);
});

test('remembered items survive a restart, and a damaged index file is rebuilt with the same answers', async () => {
  const res = await write('POST', '/api/v1/memory/keep', { text: 'Our on-call rotation hands over every Tuesday morning.' });
  const { id } = (await res.json()) as { id: string };
  const before = await search(PARAPHRASE_OF_FIRST, 'semantic');
  await server.stop();

  server = await startServe({ dataDir, args: MEMORY_ARGS });
  const recalled = (await (await write('POST', '/api/v1/memory/keep/recall', { query: 'who is paged this week changes when' })).json()) as { items: Array<{ id: string }> };
  assert.equal(recalled.items[0]?.id, id);
  await server.stop();

  const memoryDir = join(dataDir, 'memory');
  const indexFile = readdirSync(memoryDir).find((f) => f.endsWith('.hnsw'));
  assert.ok(indexFile, `an index file in ${readdirSync(memoryDir).join(', ')}`);
  writeFileSync(join(memoryDir, indexFile), Buffer.from('not an index at all'.repeat(100)));
  server = await startServe({ dataDir, args: MEMORY_ARGS });
  const rebuilt = await search(PARAPHRASE_OF_FIRST, 'semantic');
  assert.deepEqual(
    rebuilt.results.map((r) => [r.traceId, r.spanId]),
    before.results.map((r) => [r.traceId, r.spanId]),
  );
  assert.match(server.output(), /vector index rebuilt from SQLite/);
});
