/**
 * The short, always-run version of bench/otlp-fuzz.ts (same corpus, mutations and checks): mutated
 * real requests must be decoded or refused with DecodeError, never crash the decoder, and the
 * scan the store acknowledges on must reach the decoder's verdict and counts. A failure names the
 * case; replay it with `node --import tsx bench/otlp-fuzz.ts --seed <seed> --replay <kind>:<index>`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCorpus } from '../../../bench/lib/fuzz/corpus';
import { emptyTotals, runCases, type CaseKind } from '../../../bench/lib/fuzz/oracle';

const SEED = 20261122;
// No 512-span seeds: they would take most of the time for a handful of cases.
const corpus = buildCorpus(SEED, { large: false });

function fuzz(kind: CaseKind, cases: number): void {
  const totals = emptyTotals();
  runCases(corpus, kind, SEED, 0, cases, totals, { keepFailures: 5 });
  const report = totals.failures
    .map((f) => `${f.kind}:${f.index} (seed ${f.seed}) ${f.problem}\n  from "${f.mutation.seed}": ${f.mutation.steps.join('; ')}`)
    .join('\n');
  assert.equal(totals.failures.length + totals.moreFailures, 0, `fuzz failures:\n${report}`);
  // The mutations must reach every outcome, or the run proves little.
  const { invalid, accepted, partial } = totals.outcomes;
  assert.ok(invalid > cases / 10 && accepted > cases / 10 && partial > cases / 200, `outcomes ${JSON.stringify(totals.outcomes)}`);
}

test('mutated protobuf requests: decode returns or throws DecodeError, and scan agrees', () => {
  fuzz('protobuf', 15_000);
});

test('mutated JSON requests: decode returns or throws DecodeError', () => {
  fuzz('json', 5_000);
});
