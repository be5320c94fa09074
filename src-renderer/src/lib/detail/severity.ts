// Log severity as a word and a level for colouring. OTLP SeverityNumber ranges: TRACE 1–4, DEBUG
// 5–8, INFO 9–12, WARN 13–16, ERROR 17–20, FATAL 21–24; the producer's own text wins when sent.

export type SeverityLevel = 'unset' | 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

const LEVELS: SeverityLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

export function severityLevel(n: number): SeverityLevel {
  if (!Number.isInteger(n) || n < 1 || n > 24) return 'unset';
  return LEVELS[Math.floor((n - 1) / 4)]!;
}

export function severityLabel(n: number, text: string): string {
  if (text.trim()) return text.trim();
  const level = severityLevel(n);
  return level === 'unset' ? '—' : level.toUpperCase();
}
