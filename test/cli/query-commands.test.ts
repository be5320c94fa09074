/**
 * The query commands as a user runs them: the real binary against a real `flowtrace serve` fed by
 * the official OTel JS exporter. `traces` lists what was sent; `export` then `import` into a second
 * serve reads back span for span; `tail` prints a span within 2 s of its export and leaves on
 * SIGINT with status 0. Needs `npx electron-vite build`.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { TraceDetail, TraceListPage } from '../../src-shared/contract';
import { startServe, tempDataDir, type ServeProcess } from '../support/serve-process';
import { recordAgentTrace, sendAgentTrace, type SentTrace } from '../support/otel';
import { runCliAsync, startCli } from '../support/cli';

describe('query commands against a running Flowtrace', { timeout: 120_000 }, () => {
  let source: ServeProcess;
  let target: ServeProcess;
  let travel: SentTrace;
  let booking: SentTrace;

  before(async () => {
    [source, target] = await Promise.all([startServe(), startServe()]);
    travel = await sendAgentTrace(source.otlpHttp, 'protobuf', { serviceName: 'travel-agent' });
    booking = await sendAgentTrace(source.otlpHttp, 'json', { serviceName: 'booking-agent', toolCalls: 3 });
  });
  after(async () => {
    await Promise.all([source?.stop(), target?.stop()]);
  });

  const getTrace = async (server: ServeProcess, id: string) => {
    const res = await fetch(`${server.api}/api/v1/traces/${id}`);
    assert.equal(res.status, 200, `trace ${id} on ${server.api}`);
    return (await res.json()) as TraceDetail;
  };

  test('traces lists the sent traces as a table, filters them, and gives the API answer with --json', async () => {
    const [table, filtered, none, json] = await Promise.all([
      runCliAsync(['traces', '--url', source.api]),
      runCliAsync(['traces', '--url', source.api, '--service', 'booking-agent', '--status', 'error', '--since', '1h']),
      runCliAsync(['traces', '--url', source.api, '--agent', 'nobody']),
      runCliAsync(['traces', '--url', source.api, '--json', '--limit', '1']),
    ]);
    assert.equal(table.status, 0, table.stderr);
    const lines = table.stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /^STARTED\s+TRACE ID\s+SERVICE\s+ROOT\s+DURATION\s+SPANS\s+ERRORS\s+TOKENS\s+COST$/);
    assert.equal(lines.length, 3);
    const bookingRow = lines.find((l) => l.includes(booking.traceId));
    assert.ok(bookingRow, table.stdout);
    // The booking run: 7 spans, the failed tool call, 876 tokens of gpt-4o-mini at the shipped price.
    assert.match(bookingRow, /booking-agent\s+invoke_agent planner\s+[\d.]+ ms\s+7\s+1\s+876\s+\$0\.00016$/);
    assert.ok(lines.some((l) => l.includes(travel.traceId) && l.includes('travel-agent')));

    assert.equal(filtered.status, 0, filtered.stderr);
    assert.ok(filtered.stdout.includes(booking.traceId) && !filtered.stdout.includes(travel.traceId), filtered.stdout);
    assert.equal(none.stdout, 'no traces match\n');

    const page = JSON.parse(json.stdout) as TraceListPage;
    assert.equal(page.traces.length, 1);
    assert.equal(page.traces[0]!.traceId, booking.traceId, 'newest first');
    assert.notEqual(page.nextCursor, null);
  });

  test('export then import into a second Flowtrace reads back span for span', async () => {
    const dir = tempDataDir('flowtrace-export-');
    const file = join(dir, 'two.jsonl');
    const exported = await runCliAsync(['export', travel.traceId, booking.traceId.toUpperCase(), '-o', file, '--url', source.api]);
    assert.equal(exported.status, 0, exported.stderr);
    assert.equal(exported.stderr, `exported 2 trace(s), 11 span(s) to ${file}\n`);
    const lines = readFileSync(file, 'utf8').split('\n');
    assert.equal(lines.length, 3, 'two JSON lines and the final newline');
    assert.equal(lines[2], '');
    for (const line of lines.slice(0, 2)) assert.ok(Array.isArray((JSON.parse(line) as { resourceSpans: unknown }).resourceSpans));

    const imported = await runCliAsync(['import', file, '--url', target.api]);
    assert.equal(imported.status, 0, imported.stderr);
    assert.equal(imported.stdout, `${file}: 2 request(s): 11 span(s) accepted, 0 rejected\n`);
    for (const sent of [travel, booking]) {
      const [original, copy] = await Promise.all([getTrace(source, sent.traceId), getTrace(target, sent.traceId)]);
      assert.equal(copy.spans.length, sent.spanIds.length);
      // Span for span; the audit digest is over each store's own encoding, so it differs by store.
      assert.deepEqual({ ...copy, audit: undefined }, { ...original, audit: undefined });
    }

    // Again: the receiver stores duplicates once.
    const again = await runCliAsync(['import', file, '--url', target.api, '--json']);
    assert.deepEqual(JSON.parse(again.stdout), { file, requests: 2, accepted: 11, rejected: 0, items: 'span(s)', problems: [] });
    assert.equal((await getTrace(target, booking.traceId)).spans.length, 7);
  });

  test('export --since writes every recent trace; import takes protobuf and gzip, and names what it cannot read', async () => {
    const dir = tempDataDir('flowtrace-export-');
    const recent = join(dir, 'recent.jsonl');
    const since = await runCliAsync(['export', '--since', '1h', '-o', recent, '--url', source.api]);
    assert.equal(since.status, 0, since.stderr);
    assert.match(since.stderr, /^exported 2 trace\(s\), 11 span\(s\) to /);

    const run = recordAgentTrace({ serviceName: 'from-a-file', toolCalls: 2 });
    const pb = join(dir, 'run.pb');
    writeFileSync(pb, ProtobufTraceSerializer.serializeRequest(run.spans)!);
    const gz = join(dir, 'run.jsonl.gz');
    writeFileSync(gz, gzipSync(readFileSync(recent)));
    const garbage = join(dir, 'notes.txt');
    writeFileSync(garbage, 'these are not spans');
    const r = await runCliAsync(['import', pb, gz, garbage, join(dir, 'missing.json'), '--url', target.api]);
    assert.equal(r.status, 1, 'a file that could not be imported fails the command');
    assert.deepEqual(r.stdout.trimEnd().split('\n'), [
      `${pb}: 1 request(s): 6 span(s) accepted, 0 rejected`,
      `${gz}: 2 request(s): 11 span(s) accepted, 0 rejected`,
      `${garbage}: not imported (not OTLP/JSON and not an OTLP protobuf request (unsupported wire type 4 at byte 1))`,
      `${join(dir, 'missing.json')}: not imported (cannot read it (ENOENT))`,
    ]);
    assert.equal((await getTrace(target, run.traceId)).spans.length, 6);
  });

  test('tail prints a span within 2 s of its export and leaves on SIGINT with status 0', async () => {
    const tail = startCli(['tail', '--url', source.api]);
    try {
      await tail.waitFor(/following spans at /, 'stderr');
      const exportedAt = Date.now();
      const sent = await sendAgentTrace(source.otlpHttp, 'protobuf', { serviceName: 'tail-svc' });
      await tail.waitFor(/execute_tool search_hotels.*ERROR: hotel API timed out/, 'stdout', 2000);
      const elapsed = Date.now() - exportedAt;
      assert.ok(elapsed < 2000, `printed ${elapsed} ms after the export`);
      await tail.waitFor(/(?:.*tail-svc.*\n){4}/, 'stdout', 2000);
      const lines = tail.stdout().split('\n').filter((l) => l.includes('tail-svc'));
      assert.equal(lines.length, sent.spanIds.length, 'each span once');
      assert.match(lines.find((l) => l.includes('chat gpt-4o-mini') && l.includes('tok'))!, /tail-svc\s+planner\s+llm\s+chat gpt-4o-mini\s+gpt-4o-mini\s+876 tok\s+\$0\.00016\s+[\d.]+ ms$/);
      assert.ok(!tail.stdout().includes(travel.traceId) && !/travel-agent/.test(tail.stdout()), 'traces from before tail started are not replayed');
    } finally {
      tail.child.kill('SIGINT');
    }
    const { status, signal } = await tail.exited;
    assert.equal(signal, null);
    assert.equal(status, 0, tail.stderr());
  });
});
