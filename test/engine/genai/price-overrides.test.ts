/**
 * The user's own prices: `prices.json` in the data directory wins over the shipped table for the
 * models it names, end to end (official exporter → stored rollup); a malformed file stops the start
 * with the file and the entry named, and leaves the data directory free to start again.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEngine } from '../../../src-main/engine';
import { PRICE_OVERRIDES_FILE } from '../../../src-main/engine/genai/price-overrides-file';
import { exportSpans } from '../../support/otel';
import { recordGenAiTurn, TURN_USAGE } from '../../support/otel-genai';
import { tempDataDir } from '../../support/serve-process';

const start = (dataDir: string) => startEngine({ memory: false, dataDir, otlpHttpPort: 0, otlpGrpcPort: 0, log: () => {} });

test('prices.json in the data directory prices the models it names; others keep the shipped table', async () => {
  const dataDir = tempDataDir();
  writeFileSync(join(dataDir, PRICE_OVERRIDES_FILE), JSON.stringify({ 'gpt-4o-mini': { input: 1, output: 2 } }));
  const engine = await start(dataDir);
  try {
    const mine = recordGenAiTurn({ serviceName: 'priced-by-user', model: 'gpt-4o-mini' });
    const shipped = recordGenAiTurn({ serviceName: 'priced-by-table', model: 'gpt-4o' });
    await exportSpans(engine.info.otlpHttpEndpoint, 'protobuf', [...mine.spans, ...shipped.spans]);
    const page = await engine.listTraces({});
    const cost = (id: string) => page.traces.find((t) => t.traceId === id)?.genai?.costUsd;
    const expected = (TURN_USAGE.input * 1 + TURN_USAGE.output * 2) / 1e6;
    assert.ok(Math.abs(cost(mine.traceId)! - expected) < 1e-12, `override price used (${cost(mine.traceId)} vs ${expected})`);
    const tableCost = cost(shipped.traceId);
    assert.ok(typeof tableCost === 'number' && tableCost > 0 && Math.abs(tableCost - expected) > 1e-9, 'an unnamed model keeps the shipped price');
  } finally {
    await engine.close();
  }
});

test('a malformed prices.json stops the start, naming the file and the entry; fixed, it starts', async () => {
  const dataDir = tempDataDir();
  const file = join(dataDir, PRICE_OVERRIDES_FILE);
  writeFileSync(file, JSON.stringify({ 'gpt-4o-mini': { input: 'cheap', output: 2 } }));
  await assert.rejects(start(dataDir), (err: Error) => err.message.includes(file) && /"gpt-4o-mini"\.input must be a number/.test(err.message));
  writeFileSync(file, '{ not json');
  await assert.rejects(start(dataDir), /is not readable JSON/);
  writeFileSync(file, JSON.stringify({ 'gpt-4o-mini': { input: 0.1, output: 0.2, cacheRead: 0.05 } }));
  const engine = await start(dataDir);
  await engine.close();
});
