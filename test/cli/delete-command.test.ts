/**
 * `flowtrace delete` (src-main/cli/clear.ts) against a real `flowtrace serve` fed by the official
 * OTel exporter: a trace, a session, everything with --yes; one-line errors with exit 1 for an
 * unknown id or nothing answering, exit 2 for usage mistakes; --json prints the API's answer.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { deleteCommand, type CliIo } from '../../src-main/cli/clear';
import { eventually } from '../support/engine';
import { exportSpans, recordAgentTrace, type SentTrace } from '../support/otel';
import { recordGenAiTurn } from '../support/otel-genai';
import { startServe, type ServeProcess } from '../support/serve-process';

let serve: ServeProcess;
let first: SentTrace;
let second: SentTrace;

async function run(argv: string[], env: Record<string, string | undefined> = {}): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (l) => out.push(l), err: (l) => err.push(l), env };
  const code = await deleteCommand(argv, io);
  return { code, out, err };
}

before(async () => {
  serve = await startServe();
  first = recordAgentTrace({ serviceName: 'cli-delete' });
  second = recordAgentTrace({ serviceName: 'cli-delete' });
  const turn = recordGenAiTurn({ serviceName: 'cli-delete-chat', sessionId: 'cli session 1' });
  await exportSpans(serve.otlpHttp, 'protobuf', [...first.spans, ...second.spans, ...turn.spans]);
  await eventually(async () => (((await (await fetch(`${serve.api}/api/v1/stats`)).json()) as { traces: number }).traces === 3 ? true : null));
});

after(async () => {
  await serve?.stop();
});

test('--help prints the usage and exits 0', async () => {
  const { code, out } = await run(['--help']);
  assert.equal(code, 0);
  assert.match(out.join('\n'), /flowtrace delete trace TRACE_ID[\s\S]*--all --yes/);
});

test('usage mistakes: exit 2 with one line naming the mistake, nothing deleted', async () => {
  const cases: Array<[string[], RegExp]> = [
    [[], /say what to delete/],
    [['--all'], /add --yes/],
    [['--all', '--yes', 'trace', first.traceId], /give no trace or session/],
    [['span', 'x'], /"span" is not trace or session/],
    [['trace'], /needs the trace's id/],
    [['trace', 'xyz'], /32 hex characters/],
    [['trace', first.traceId, second.traceId], /takes one id/],
    [['trace', first.traceId, '--force'], /unknown option '--force'/i],
    [['trace', first.traceId, '--url', 'localhost'], /--url must be http:\/\/host:port/],
  ];
  for (const [argv, message] of cases) {
    const { code, out, err } = await run(argv, { FLOWTRACE_URL: serve.api });
    assert.equal(code, 2, argv.join(' '));
    assert.deepEqual(out, []);
    assert.equal(err.length, 1, argv.join(' '));
    assert.match(err[0]!, message);
  }
  assert.equal((await fetch(`${serve.api}/api/v1/traces/${first.traceId}`)).status, 200);
});

test('a trace: deleted with a line saying what went; again: exit 1, one line', async () => {
  const done = await run(['trace', first.traceId.toUpperCase(), '--url', serve.api]);
  assert.deepEqual(done, { code: 0, out: [`deleted trace ${first.traceId}: 1 trace, ${first.spans.length} spans`], err: [] });
  assert.equal((await fetch(`${serve.api}/api/v1/traces/${first.traceId}`)).status, 404);
  const again = await run(['trace', first.traceId, '--url', serve.api]);
  assert.deepEqual(again, { code: 1, out: [], err: [`flowtrace delete: no trace ${first.traceId} in the Flowtrace at ${serve.api}`] });
});

test('a session, by $FLOWTRACE_URL, with --json', async () => {
  const { code, out } = await run(['session', 'cli session 1', '--json'], { FLOWTRACE_URL: serve.api });
  assert.equal(code, 0);
  assert.deepEqual(JSON.parse(out[0]!), { traces: 1, spans: 4, logs: 0, metricPoints: 0 });
});

test('everything, with --yes', async () => {
  const { code, out } = await run(['--all', '--yes', '--api', serve.api]);
  assert.equal(code, 0);
  assert.deepEqual(out, [`deleted all data: 1 trace, ${second.spans.length} spans`]);
  assert.equal(((await (await fetch(`${serve.api}/api/v1/stats`)).json()) as { traces: number }).traces, 0);
});

test('nothing answering: exit 1 and one line that says where it looked', async () => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
  await new Promise((resolve) => closed.close(resolve));
  const { code, err } = await run(['--all', '--yes', '--url', url]);
  assert.equal(code, 1);
  assert.equal(err.length, 1);
  assert.ok(err[0]!.startsWith(`flowtrace delete: no Flowtrace answers at ${url} (ECONNREFUSED)`), err[0]);
});
