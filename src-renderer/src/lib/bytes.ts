// Byte counts for people (the database size in the header).

const UNITS = ['B', 'kB', 'MB', 'GB', 'TB'];

/** A byte count for people, in SI units like most file managers: "812 B", "12.4 MB", "3 GB". */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  let value = bytes;
  let unit = 0;
  // 999.5 and up would round to "1000": say "1 MB" instead of "1000 kB".
  while (value >= 999.5 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  // Drop a trailing ".0" so round sizes read "3 GB", not "3.0 GB".
  return `${Number(value.toFixed(digits))} ${UNITS[unit]}`;
}
