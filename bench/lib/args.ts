/** Command-line parsing the benchmarks share: whole numbers within bounds (`1_000_000` allowed). */

/** A parser for integer flags that reports a bad value through the benchmark's own `usage`. */
export function intArg(usage: (message: string) => never): (name: string, value: string | undefined, min: number, max: number) => number {
  return (name, value, min, max) => {
    const n = Number(value?.replace(/_/g, ''));
    if (!Number.isInteger(n) || n < min || n > max) usage(`${name} must be an integer from ${min} to ${max}`);
    return n;
  };
}
