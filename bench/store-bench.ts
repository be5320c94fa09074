/**
 * Storage benchmarks for Flowtrace: append + commit, compaction, ingest→visible lag, queries at
 * scale (engine and REST), size on disk, memory and restart time. See bench/README.md.
 *
 *   node --import tsx bench/store-bench.ts [--only append,compaction,lag,queries,rest,size,memory,restart]
 *        [--spans 1000000] [--data-dir DIR] [--runs 50] [--window 16] [--seed 42]
 *        [--lag-rate 20000] [--lag-seconds 20] [--restarts 3] [--serve-build bench|out] [--keep]
 */
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { intArg } from './lib/args';
import { runMeta, writeResults } from './lib/meta';
import { Report, errorMessage } from './lib/report';
import { runAppend } from './store/append';
import { BenchContext, type BenchOptions } from './store/context';
import { runLag } from './store/lag';
import { runRestartAndMemory, runSize } from './store/process';
import { runQueries } from './store/queries';

const SECTIONS = ['append', 'compaction', 'lag', 'queries', 'rest', 'size', 'memory', 'restart'] as const;
type Section = (typeof SECTIONS)[number];

function usage(message?: string): never {
  if (message) console.error(`store-bench: ${message}`);
  console.error(
    'usage: node --import tsx bench/store-bench.ts [--only ' + SECTIONS.join(',') + '] [--spans N] [--data-dir DIR]\n' +
      '       [--runs N] [--window N] [--seed N] [--lag-rate SPANS_PER_S] [--lag-seconds S] [--restarts N]\n' +
      '       [--serve-build bench|out] [--keep]',
  );
  process.exit(2);
}

function parseArgs(argv: string[]): { options: BenchOptions; only: Set<Section> } {
  const options: BenchOptions = {
    spans: 1_000_000,
    seed: 42,
    window: 16,
    runs: 50,
    dataDir: null,
    lagRate: 20_000,
    lagSeconds: 20,
    restarts: 3,
    keep: false,
    serveBuild: 'bench',
  };
  let only = new Set<Section>(SECTIONS);
  const int = intArg(usage);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const v = argv[i + 1];
    switch (a) {
      case '--only': {
        const names = (v ?? '').split(',').map((s) => s.trim()).filter(Boolean);
        for (const n of names) if (!(SECTIONS as readonly string[]).includes(n)) usage(`unknown section "${n}"`);
        only = new Set(names as Section[]);
        i++;
        break;
      }
      case '--spans': options.spans = int(a, v, 1000, 20_000_000); i++; break;
      case '--seed': options.seed = int(a, v, 0, 2 ** 31); i++; break;
      case '--window': options.window = int(a, v, 1, 256); i++; break;
      case '--runs': options.runs = int(a, v, 5, 10_000); i++; break;
      case '--lag-rate': options.lagRate = int(a, v, 512, 1_000_000); i++; break;
      case '--lag-seconds': options.lagSeconds = int(a, v, 1, 600); i++; break;
      case '--restarts': options.restarts = int(a, v, 1, 20); i++; break;
      case '--data-dir':
        if (!v) usage('--data-dir needs a directory');
        options.dataDir = resolve(v);
        i++;
        break;
      case '--keep': options.keep = true; break;
      case '--serve-build':
        if (v !== 'bench' && v !== 'out') usage('--serve-build is bench or out');
        options.serveBuild = v;
        i++;
        break;
      case '--help': case '-h': usage();
      // falls through (usage never returns)
      default: usage(`unknown argument "${a}"`);
    }
  }
  return { options, only };
}

async function main(): Promise<void> {
  const { options, only } = parseArgs(process.argv.slice(2));
  const started = new Date();
  const report = new Report({ tool: 'store-bench', ...runMeta(started), options, sections: [...only] });
  console.log(`Flowtrace store benchmark — ${[...only].join(', ')} — ${options.spans.toLocaleString('en-US')} spans, seed ${options.seed}, node ${process.version}, ${cpus().length} CPUs`);
  const ctx = new BenchContext(options, report);
  const has = (s: Section): boolean => only.has(s);
  const step = async (name: string, fn: () => Promise<void>): Promise<void> => {
    console.log(`\n== ${name}`);
    try {
      await fn();
    } catch (err) {
      report.unavailable(name.split(' ')[0]!, `${name} (section failed)`, '', errorMessage(err));
      if (process.env.BENCH_DEBUG) console.error(err);
    }
  };
  try {
    if (has('append') || has('compaction')) {
      await step('append + compaction', () => runAppend(ctx, { append: has('append'), compaction: has('compaction') }));
    }
    if (has('lag')) await step('lag', () => runLag(ctx));
    if (has('queries') || has('rest')) await step('queries', () => runQueries(ctx, { engine: has('queries'), rest: has('rest') }));
    if (has('size')) await step('size', () => runSize(ctx));
    if (has('restart') || has('memory')) {
      await step('restart + memory', () => runRestartAndMemory(ctx, { restart: has('restart'), memory: has('memory') }));
    }
  } finally {
    ctx.cleanup();
    writeResults(report, 'store', started);
  }
}

await main();
