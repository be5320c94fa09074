/**
 * CPU steal: the share of time the hypervisor ran someone else on this VM's CPUs. On a shared
 * host it swings from a few % to half of all time within minutes, and a throughput figure taken
 * meanwhile says more about the neighbours than about Flowtrace; benchmarks that compare runs
 * read it around each run and set aside runs taken under heavy steal.
 */
import { readFileSync } from 'node:fs';

export interface CpuTimes {
  steal: number;
  /** idle + iowait. */
  idle: number;
  total: number;
}

/** The aggregate `cpu` line of /proc/stat; null where there is none (not Linux). */
export function cpuTimes(): CpuTimes | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
    const f = line.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal (guest time is already inside user)
    const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
    return { steal: f[7] ?? 0, idle: (f[3] ?? 0) + (f[4] ?? 0), total };
  } catch {
    return null;
  }
}

/** Cores busy (neither idle nor stolen) on average between two readings; null when unknown. */
export function busyCores(before: CpuTimes | null, after: CpuTimes | null, cores: number): number | null {
  if (!before || !after || after.total <= before.total) return null;
  const total = after.total - before.total;
  return ((total - (after.idle - before.idle) - (after.steal - before.steal)) / total) * cores;
}

/** Steal between two readings, in % of all CPU time; null when unknown. */
export function stealPercent(before: CpuTimes | null, after: CpuTimes | null): number | null {
  if (!before || !after || after.total <= before.total) return null;
  return (100 * (after.steal - before.steal)) / (after.total - before.total);
}
