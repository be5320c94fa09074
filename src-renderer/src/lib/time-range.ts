// The one time range that every page with time reads (trace list, search, logs, metrics, funnels,
// dashboard). It is carried in the URL of every page, `range=1h` or `range=custom&from=…&to=…`
// ("all" is the default and left out), so a link, a reload or a move through the nav keeps it.
// Custom bounds are `<input type="datetime-local">` values: the viewer's local time, minute (or
// second) precision. Pure; anything unreadable falls back to "all" rather than failing the page.

export type RangePreset = '15m' | '1h' | '6h' | '24h' | '7d' | '30d' | 'all';
export type RangeChoice = RangePreset | 'custom';

export interface TimeRange {
  choice: RangeChoice;
  /** Local datetime values, used when `choice` is custom ('' there: unbounded on that side); '' otherwise. */
  from: string;
  to: string;
}

export const ALL_TIME: TimeRange = { choice: 'all', from: '', to: '' };

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const RANGE_CHOICES: ReadonlyArray<{ value: RangeChoice; label: string; ms: number | null }> = [
  { value: '15m', label: 'Last 15 min', ms: 15 * MINUTE },
  { value: '1h', label: 'Last hour', ms: HOUR },
  { value: '6h', label: 'Last 6 h', ms: 6 * HOUR },
  { value: '24h', label: 'Last 24 h', ms: DAY },
  { value: '7d', label: 'Last 7 days', ms: 7 * DAY },
  { value: '30d', label: 'Last 30 days', ms: 30 * DAY },
  { value: 'all', label: 'All time', ms: null },
  { value: 'custom', label: 'Custom…', ms: null },
];

/**
 * Every page's own range values before the range was one (list, search, logs, metrics, funnels,
 * dashboard) are in RANGE_CHOICES as they were; these are spellings people type by hand.
 */
const ALIASES: Readonly<Record<string, RangeChoice>> = { '60m': '1h', '1d': '24h', '1w': '7d' };

const LOCAL_DATETIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d{1,3})?)?$/;

function isChoice(v: string): v is RangeChoice {
  return RANGE_CHOICES.some((c) => c.value === v);
}

/** A datetime-local value that names a real instant, else ''. */
function localDateTime(v: string | null): string {
  return v !== null && LOCAL_DATETIME.test(v) && !Number.isNaN(new Date(v).getTime()) ? v : '';
}

/** Reads `range`, `from` and `to`; a `from` or `to` without a range means a custom range. */
export function parseTimeRange(params: URLSearchParams): TimeRange {
  const raw = params.get('range') ?? '';
  const choice = ALIASES[raw] ?? (isChoice(raw) ? raw : null);
  const from = localDateTime(params.get('from'));
  const to = localDateTime(params.get('to'));
  if (choice === 'custom' || (choice === null && (from !== '' || to !== ''))) return { choice: 'custom', from, to };
  return { choice: choice ?? 'all', from: '', to: '' };
}

/** Writes the range into `params`; "all" (the default) writes nothing. */
export function writeTimeRange(params: URLSearchParams, range: TimeRange): void {
  if (range.choice === 'all') return;
  params.set('range', range.choice);
  if (range.choice !== 'custom') return;
  if (range.from) params.set('from', range.from);
  if (range.to) params.set('to', range.to);
}

/** Whether a URL query names a range at all (else it means the default, "all"). */
export function hasTimeRange(params: URLSearchParams): boolean {
  return params.has('range') || params.has('from') || params.has('to');
}

/** Picking a choice in the control: custom keeps bounds already set, any other choice drops them. */
export function chooseRange(current: TimeRange, choice: RangeChoice): TimeRange {
  return choice === 'custom' ? { choice, from: current.from, to: current.to } : { choice, from: '', to: '' };
}

/** Unix ms of a datetime-local value, or undefined when empty or unparseable. */
export function parseLocalDateTime(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const ms = new Date(value).getTime();
  return Number.isNaN(ms) ? undefined : ms;
}

function nanosOf(ms: number): string {
  return (BigInt(Math.floor(ms)) * 1_000_000n).toString();
}

/**
 * The range in unix nanoseconds, inclusive, resolved at `nowMs` (a relative range moves with now,
 * so a live refresh keeps "last 15 min" meaning the last 15 minutes). A custom `to` covers the
 * whole minute (or second) it names, as people read "until 14:05". Absent bounds: open.
 */
export function rangeWindow(range: TimeRange, nowMs: number): { from?: string; to?: string } {
  if (range.choice === 'custom') {
    const out: { from?: string; to?: string } = {};
    const from = parseLocalDateTime(range.from);
    const to = parseLocalDateTime(range.to);
    if (from !== undefined) out.from = nanosOf(from);
    if (to !== undefined) {
      const unitMs = /T\d\d:\d\d:\d\d/.test(range.to) ? 1000 : MINUTE;
      out.to = (BigInt(Math.floor(to + unitMs)) * 1_000_000n - 1n).toString();
    }
    return out;
  }
  const ms = RANGE_CHOICES.find((c) => c.value === range.choice)?.ms;
  return ms ? { from: nanosOf(nowMs - ms) } : {};
}

/**
 * Identifies what a range selects: a relative range by its name (not its moving bounds, so a live
 * refresh is not a new query), a custom one by its bounds.
 */
export function rangeKey(range: TimeRange): string {
  return range.choice === 'custom' ? JSON.stringify(rangeWindow(range, 0)) : range.choice;
}

/** Whether the range narrows anything ("all", or custom without bounds, does not). */
export function isBounded(range: TimeRange): boolean {
  return Object.keys(rangeWindow(range, 0)).length > 0;
}

/** Short text for the control's title and empty states. */
export function rangeLabel(range: TimeRange): string {
  if (range.choice !== 'custom') return RANGE_CHOICES.find((c) => c.value === range.choice)!.label;
  if (range.from && range.to) return `${range.from.replace('T', ' ')} – ${range.to.replace('T', ' ')}`;
  if (range.from) return `Since ${range.from.replace('T', ' ')}`;
  if (range.to) return `Until ${range.to.replace('T', ' ')}`;
  return 'Custom (no bounds yet)';
}
