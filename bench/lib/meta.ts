/**
 * What every benchmark run records about itself (commit, Node, machine) and where its results go:
 * `bench/results/<tool>-<start time>.json`, with a one-line tally printed at the end.
 */
import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import type { Report } from './report';
import { REPO_ROOT } from './serve';

/** HEAD's short hash, `+uncommitted` when tracked files differ from it; null outside a git checkout. */
export function gitCommit(): string | null {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
    return dirty ? `${head}+uncommitted` : head;
  } catch {
    return null;
  }
}

export interface MachineMeta {
  node: string;
  /** `<count> × <model>`. */
  cpus: string;
  memoryGiB: number;
}

export function machineMeta(): MachineMeta {
  const list = cpus();
  return { node: process.version, cpus: `${list.length} × ${list[0]?.model ?? '?'}`, memoryGiB: +(totalmem() / 1024 ** 3).toFixed(1) };
}

/** The head of a report's meta: when the run started, on which commit and machine. */
export function runMeta(started: Date): { startedAt: string; commit: string | null } & MachineMeta {
  return { startedAt: started.toISOString(), commit: gitCommit(), ...machineMeta() };
}

/** Writes the report to bench/results/, prints the tally; returns how many figures missed their target. */
export function writeResults(report: Report, tool: string, started: Date): number {
  const file = join(REPO_ROOT, 'bench/results', `${tool}-${started.toISOString().replace(/[:.]/g, '-')}.json`);
  report.meta.finishedAt = new Date().toISOString();
  report.write(file);
  const below = report.figures.filter((f) => f.pass === false).length;
  const na = report.figures.filter((f) => f.value === null).length;
  console.log(`\n${report.figures.length} figures, ${below} below target, ${na} n/a → ${file}`);
  return below;
}
