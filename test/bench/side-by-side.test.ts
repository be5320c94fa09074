/**
 * bench/peers/side-by-side.ts end to end, against the two systems that need no Go toolchain: the
 * null sink and the real `flowtrace serve` (out/, as `npm test` builds it), loaded for a few
 * seconds. The report must have both rows with positive figures, Flowtrace must have stored every
 * span it acknowledged, and the ratio Flowtrace / null sink must be there.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Ratio, Row } from '../../bench/peers/side-by-side';

const REPO_ROOT = resolve(import.meta.dirname, '../..');

test('side-by-side: null sink and Flowtrace, 3 s each, give a report with both rows and the ratio', { timeout: 90_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'flowtrace-side-by-side-test-'));
  try {
    const json = join(dir, 'report.json');
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', join(REPO_ROOT, 'bench/peers/side-by-side.ts'),
        '--systems', 'null,flowtrace', '--duration', '3', '--warmup', '1', '--connections', '2', '--batch', '128', '--serve-build', 'out', '--json', json],
      { cwd: REPO_ROOT, encoding: 'utf8', timeout: 80_000 },
    );
    assert.equal(r.status, 0, `exit ${r.status ?? r.signal}\n${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /acked spans\/s .*stored spans .*peak RSS MiB .*CPU s\/1k spans/);
    const report = JSON.parse(readFileSync(json, 'utf8')) as { rows: Row[]; ratios: Ratio[] };
    assert.deepEqual(report.rows.map((x) => [x.system, x.status]), [['null', 'ok'], ['flowtrace', 'ok']]);
    for (const row of report.rows) {
      for (const key of ['ackedSpansPerS', 'ackedSpans', 'peakRssMiB', 'readyMs'] as const) assert.ok((row[key] ?? 0) > 0, `${row.system}.${key} = ${row[key]}`);
      assert.ok(row.cpuSeconds !== null && row.cpuSeconds >= 0, `${row.system}.cpuSeconds = ${row.cpuSeconds}`);
    }
    const ft = report.rows[1]!;
    assert.ok((ft.cpuSecondsPer1kSpans ?? 0) > 0, `flowtrace CPU per 1k spans = ${ft.cpuSecondsPer1kSpans}`);
    assert.equal(ft.storedExact, true);
    assert.equal(ft.stored, ft.ackedTotal, 'Flowtrace stores every span it acknowledged');
    assert.equal(report.rows[0]!.stored, null, 'the null sink keeps nothing');
    const ratio = report.ratios.find((x) => x.pair === 'flowtrace/null');
    assert.ok(ratio && (ratio.ackedSpansPerS ?? 0) > 0 && (ratio.peakRss ?? 0) > 0, JSON.stringify(report.ratios));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
