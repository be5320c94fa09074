/**
 * Terminal output for people: colour only on a TTY (and never with NO_COLOR; FORCE_COLOR forces
 * it), aligned tables that fit the window, and times as a person reads them. Numbers (tokens, cost,
 * durations) come from src-shared/format.ts, so they read as they do in the UI.
 */

export interface Style {
  red(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
  cyan(s: string): string;
  yellow(s: string): string;
}

const sgr = (open: number, close: number) => (s: string) => `\x1b[${open}m${s}\x1b[${close}m`;
const plain = (s: string) => s;

export function useColour(stream: { isTTY?: boolean } = process.stdout, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true;
}

export function style(colour: boolean): Style {
  return colour
    ? { red: sgr(31, 39), dim: sgr(2, 22), bold: sgr(1, 22), cyan: sgr(36, 39), yellow: sgr(33, 39) }
    : { red: plain, dim: plain, bold: plain, cyan: plain, yellow: plain };
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;
export const visibleLength = (s: string): number => [...s.replace(ANSI, '')].length;

/** Cuts plain text to `max` characters, with an ellipsis. */
export function clip(s: string, max: number): string {
  const chars = [...s];
  return chars.length <= max ? s : `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}

export interface Column<R> {
  title: string;
  cell(row: R): string;
  align?: 'left' | 'right';
  /** Shrinks first (and down to `min`) when the table is wider than the terminal. */
  flex?: boolean;
  min?: number;
  /** Colours the padded cell; widths are measured on the text before it. */
  paint?(text: string, row: R): string;
}

/** A table with a header row, columns two spaces apart; flexible columns shrink to fit `width`. */
export function table<R>(rows: readonly R[], columns: readonly Column<R>[], width = process.stdout.columns ?? 160, s: Style = style(false)): string[] {
  const cells = rows.map((r) => columns.map((c) => c.cell(r)));
  const widths = columns.map((c, i) => Math.max(visibleLength(c.title), ...cells.map((row) => visibleLength(row[i]!))));
  let excess = widths.reduce((a, b) => a + b, 0) + 2 * (columns.length - 1) - width;
  for (let i = 0; i < columns.length && excess > 0; i++) {
    if (!columns[i]!.flex) continue;
    const min = Math.max(columns[i]!.min ?? 8, visibleLength(columns[i]!.title));
    const cut = Math.min(excess, widths[i]! - min);
    if (cut > 0) {
      widths[i]! -= cut;
      excess -= cut;
    }
  }
  const pad = (text: string, i: number) => {
    const t = clip(text, widths[i]!);
    const fill = ' '.repeat(widths[i]! - visibleLength(t));
    return columns[i]!.align === 'right' ? fill + t : t + fill;
  };
  const lines = [s.bold(columns.map((c, i) => pad(c.title, i)).join('  ').trimEnd())];
  rows.forEach((row, r) => {
    lines.push(
      columns
        .map((c, i) => {
          const text = pad(cells[r]![i]!, i);
          return c.paint ? c.paint(text, row) : text;
        })
        .join('  ')
        .trimEnd(),
    );
  });
  return lines;
}

const two = (n: number) => String(n).padStart(2, '0');

/** Unix nanoseconds (decimal string) → ms since the epoch. */
export const nanosToMs = (nanos: string): number => Number(BigInt(nanos) / 1_000_000n);

/** "14:03:27" today, "Jun 02 14:03" otherwise (local time). */
export function shortTime(ms: number, now = Date.now()): string {
  const d = new Date(ms);
  const today = new Date(now).toDateString() === d.toDateString();
  const hms = `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
  if (today) return hms;
  const month = d.toLocaleString('en-US', { month: 'short' });
  return `${month} ${two(d.getDate())} ${hms.slice(0, 5)}`;
}

/** "14:03:27.512", for lines that follow each other within a second. */
export function clockMs(ms: number): string {
  const d = new Date(ms);
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}
