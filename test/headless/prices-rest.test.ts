// Model prices over REST against a real `flowtrace serve`: saved prices wait for a restart (the view
// says so), then price what a real exporter sends; a `--prices` flag wins for its run and the
// saved list is kept for a run without it; reset drops the file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PricesView } from '../../src-shared/prices';
import type { TraceListPage } from '../../src-shared/contract';
import { exportSpans } from '../support/otel';
import { recordGenAiTurn, TURN_USAGE } from '../support/otel-genai';
import { startServe, tempDataDir } from '../support/serve-process';

async function prices(api: string, init?: RequestInit): Promise<PricesView> {
  const res = await fetch(`${api}/api/v1/settings/prices`, init);
  assert.equal(res.status, 200, await res.clone().text());
  return (await res.json()) as PricesView;
}

async function costOf(api: string, endpoint: string, model: string): Promise<number | null | undefined> {
  const turn = recordGenAiTurn({ serviceName: `priced-${model}`, model });
  await exportSpans(endpoint, 'protobuf', turn.spans);
  const page = (await (await fetch(`${api}/api/v1/traces`)).json()) as TraceListPage;
  return page.traces.find((t) => t.traceId === turn.traceId)?.genai?.costUsd;
}

test('saved prices apply from the next start, a --prices flag wins for its run, reset drops them', async () => {
  const dataDir = tempDataDir();
  const mine = { 'gpt-4o-mini': { input: 1000, output: 2000 } };
  const expected = (TURN_USAGE.input * 1000 + TURN_USAGE.output * 2000) / 1e6;

  const first = await startServe({ dataDir });
  let shippedCost: number | null | undefined;
  try {
    shippedCost = await costOf(first.api, first.otlpHttp, 'gpt-4o-mini');
    assert.ok(typeof shippedCost === 'number' && shippedCost > 0 && shippedCost < expected / 100, `shipped price (${shippedCost})`);
    const view = await prices(first.api, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(mine) });
    assert.equal(view.restartNeeded, true);
    assert.equal(await costOf(first.api, first.otlpHttp, 'gpt-4o-mini'), shippedCost, 'this run keeps the prices it started with');
  } finally {
    await first.stop();
  }

  const second = await startServe({ dataDir });
  try {
    const view = await prices(second.api);
    assert.deepEqual([view.yours['gpt-4o-mini']?.input, view.restartNeeded, view.overridden], [1000, false, false]);
    const cost = await costOf(second.api, second.otlpHttp, 'gpt-4o-mini');
    assert.ok(cost !== null && cost !== undefined && Math.abs(cost - expected) < 1e-9, `your price (${cost} vs ${expected})`);
  } finally {
    await second.stop();
  }

  const flagFile = join(dataDir, 'flag-prices.json');
  writeFileSync(flagFile, JSON.stringify({ 'gpt-4o-mini': { input: 0, output: 0 } }));
  const third = await startServe({ dataDir, args: ['--prices', flagFile] });
  try {
    const view = await prices(third.api);
    assert.deepEqual([view.yours['gpt-4o-mini']?.input, view.restartNeeded, view.overridden], [1000, false, true], 'the saved list is shown, the flag named');
    assert.equal(await costOf(third.api, third.otlpHttp, 'gpt-4o-mini'), 0, "the flag's prices price this run");
  } finally {
    await third.stop();
  }

  const fourth = await startServe({ dataDir });
  try {
    const reset = await prices(fourth.api, { method: 'DELETE' });
    assert.deepEqual([reset.yours, reset.restartNeeded], [{}, true]);
    assert.equal(existsSync(join(dataDir, 'prices.json')), false);
  } finally {
    await fourth.stop();
  }
});
