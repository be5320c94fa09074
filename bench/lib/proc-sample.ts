/**
 * CPU and memory of another process, from /proc: utime + stime of /proc/<pid>/stat (the whole
 * process, every thread included — the store worker too) and VmRSS of /proc/<pid>/status; with
 * `tree`, of the process and every descendant (Flowtrace's memory process, for one). Linux only;
 * elsewhere every figure is null.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

let clockTicks: number | null = null;

/** Clock ticks per second (USER_HZ) for the stat times; 100 on every common Linux. */
function ticksPerSecond(): number {
  if (clockTicks === null) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** CPU seconds (user + system) the process has used so far; null when it is gone. */
export function cpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state): utime is field 14, stime field 15.
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond();
  } catch {
    return null;
  }
}

export function rssMiB(pid: number): number | null {
  try {
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? null : Number(kb) / 1024;
  } catch {
    return null;
  }
}

/** `pid` and its descendants alive now (from /proc/<pid>/task/<tid>/children); [pid] when unknown. */
export function processTree(pid: number): number[] {
  const out: number[] = [];
  const visit = (p: number, depth: number): void => {
    out.push(p);
    if (depth > 8) return;
    try {
      for (const tid of readdirSync(`/proc/${p}/task`)) {
        for (const c of readFileSync(`/proc/${p}/task/${tid}/children`, 'utf8').trim().split(/\s+/)) if (c) visit(Number(c), depth + 1);
      }
    } catch {
      // Gone, or a kernel without the children file: the process alone.
    }
  };
  visit(pid, 0);
  return out;
}

export interface ProcSample {
  /** ms since the sampler started. */
  t: number;
  cpuSeconds: number;
  rssMiB: number;
}

/** Samples a process every `intervalMs`; CPU% between any two moments, peak and last RSS. */
export class ProcSampler {
  readonly samples: ProcSample[] = [];
  private readonly timer: NodeJS.Timeout;
  private readonly t0 = performance.now();
  /** With `tree`: the last CPU seconds seen per process, kept after it exits so the sum never falls. */
  private readonly cpuByPid = new Map<number, number>();

  constructor(readonly pid: number, intervalMs = 250, readonly options: { tree?: boolean } = {}) {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  sample(): ProcSample | null {
    const cpu = cpuSeconds(this.pid);
    let rss = rssMiB(this.pid);
    if (cpu === null || rss === null) return null;
    let cpuTotal = cpu;
    if (this.options.tree) {
      this.cpuByPid.set(this.pid, cpu);
      for (const p of processTree(this.pid).slice(1)) {
        const c = cpuSeconds(p);
        const r = rssMiB(p);
        if (c !== null) this.cpuByPid.set(p, c);
        if (r !== null) rss += r;
      }
      cpuTotal = [...this.cpuByPid.values()].reduce((a, b) => a + b, 0);
    }
    const s = { t: performance.now() - this.t0, cpuSeconds: cpuTotal, rssMiB: rss };
    this.samples.push(s);
    return s;
  }

  /** A mark to measure from: the current sample. */
  mark(): ProcSample | null {
    return this.sample();
  }

  /** CPU use since `from` as % of one core (200% = two cores busy); null without samples. */
  cpuPercentSince(from: ProcSample | null): number | null {
    const now = this.sample();
    if (!from || !now || now.t <= from.t) return null;
    return ((now.cpuSeconds - from.cpuSeconds) / ((now.t - from.t) / 1000)) * 100;
  }

  /** Peak RSS among samples taken at or after `from` (all samples when null). */
  peakRssSince(from: ProcSample | null): number | null {
    let peak: number | null = null;
    for (const s of this.samples) if ((!from || s.t >= from.t) && (peak === null || s.rssMiB > peak)) peak = s.rssMiB;
    return peak;
  }

  lastRss(): number | null {
    return this.sample()?.rssMiB ?? null;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
