/** What every section of the store benchmark gets: options, the report, cached workload and dataset. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Report } from '../lib/report';
import { buildWorkload, ensureDataset, type Dataset, type Workload } from '../lib/workload';

export interface BenchOptions {
  spans: number;
  seed: number;
  /** Requests in flight when sending as fast as possible. */
  window: number;
  /** Timed runs per query. */
  runs: number;
  /** Where the query dataset lives (reused between runs); a temp dir when not given. */
  dataDir: string | null;
  lagRate: number;
  lagSeconds: number;
  restarts: number;
  keep: boolean;
  /** Which build `flowtrace serve` runs: the benchmark's own (bench/results/build, rebuilt when stale) or out/. */
  serveBuild: 'bench' | 'out';
}

export class BenchContext {
  private cachedWorkload: Workload | null = null;
  private cachedDataset: Promise<Dataset> | null = null;
  private readonly tempDirs: string[] = [];

  constructor(readonly options: BenchOptions, readonly report: Report) {}

  log(line: string): void {
    console.log(`  · ${line}`);
  }

  tempDir(prefix: string): string {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    this.tempDirs.push(dir);
    return dir;
  }

  /** Ordinary traces, `--spans` of them, pre-encoded once per run (bodies are never transferred). */
  workload(): Workload {
    if (!this.cachedWorkload) {
      this.cachedWorkload = buildWorkload(this.options.spans, { seed: this.options.seed });
      const w = this.cachedWorkload;
      const bytes = w.batches.reduce((n, b) => n + b.body.byteLength, 0);
      this.log(
        `workload: ${w.spans} spans, ${w.traces} traces (${(w.spans / w.traces).toFixed(1)} spans/trace, ` +
          `${(w.generator.totals.attributes / w.generator.totals.spans).toFixed(1)} attributes/span), ${w.batches.length} requests, ` +
          `${Math.round(bytes / w.spans)} B/span protobuf; recorded + encoded in ${(w.genMs / 1000).toFixed(1)} s`,
      );
    }
    return this.cachedWorkload;
  }

  /** The query dataset: loaded once (or reused from --data-dir). */
  dataset(): Promise<Dataset> {
    this.cachedDataset ??= (async () => {
      const dir = this.options.dataDir ?? this.tempDir('flowtrace-bench-data-');
      const ds = await ensureDataset({
        dir,
        spans: this.options.spans,
        seed: this.options.seed,
        window: this.options.window,
        workload: () => this.workload(),
        log: (l) => this.log(l),
      });
      const m = ds.manifest;
      if (ds.loaded) {
        this.log(`dataset loaded into ${dir}: ${m.totalSpans} spans, ${m.totalTraces} traces`);
        this.report.add('load', 'dataset load, OTLP/HTTP → acked', m.totalSpans / (m.load.ackedMs / 1000), 'spans/s', {
          note: `${m.totalSpans} spans in ${(m.load.ackedMs / 1000).toFixed(1)} s, window ${m.load.window}`,
        });
        this.report.add('load', 'dataset load, until all compacted', m.load.compactedMs / 1000, 's');
        this.report.add('load', 'engine close after load', m.load.closeMs, 'ms');
      } else {
        this.log(`dataset reused from ${dir}: ${m.totalSpans} spans, ${m.totalTraces} traces (loaded ${m.createdAt} in ${(m.load.compactedMs / 1000).toFixed(1)} s)`);
      }
      return ds;
    })();
    return this.cachedDataset;
  }

  cleanup(): void {
    if (this.options.keep) {
      for (const d of this.tempDirs) this.log(`kept ${d}`);
      return;
    }
    for (const d of this.tempDirs) rmSync(d, { recursive: true, force: true });
  }
}
