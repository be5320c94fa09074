// The Funnels page's state in the URL hash: `#/funnels?steps=[…]&mode=sessions&open=2.dropped`.
// `steps` is the JSON list GET /api/v1/funnel takes; `open` names the number whose runs are listed
// (`{step}.reached`, `{step}.dropped` with steps counted from 1, or an outcome). Pure; anything
// unparseable falls back to its default so a hand-edited link still opens the page. The time range
// (of trace starts) is the app's one range (lib/time-range.ts), in the same query.
import type { FunnelMode, FunnelOutcome, FunnelQuery, FunnelStep } from '../../../src-shared/contract';
import { FUNNEL_MODES, parseFunnelQuery } from '../../../src-shared/funnel';
import { rangeWindow, type TimeRange } from './time-range';

const OUTCOMES: readonly FunnelOutcome[] = ['completed', 'abandoned', 'failed'];

/** Which number's runs are listed. */
export type FunnelOpen = { step: number; set: 'reached' | 'dropped' } | { outcome: FunnelOutcome } | null;

export interface FunnelRouteState {
  steps: FunnelStep[];
  mode: FunnelMode;
  service: string;
  open: FunnelOpen;
}

export const EMPTY_FUNNEL: FunnelRouteState = { steps: [], mode: 'traces', service: '', open: null };

function parseSteps(raw: string | null): FunnelStep[] {
  if (!raw) return [];
  try {
    return parseFunnelQuery({ steps: JSON.parse(raw) as unknown }).steps;
  } catch {
    return [];
  }
}

function parseOpen(raw: string | null, steps: number): FunnelOpen {
  if (!raw) return null;
  if ((OUTCOMES as readonly string[]).includes(raw)) return { outcome: raw as FunnelOutcome };
  const m = /^(\d+)\.(reached|dropped)$/.exec(raw);
  if (!m) return null;
  const step = Number(m[1]) - 1;
  return step >= 0 && step < steps ? { step, set: m[2] as 'reached' | 'dropped' } : null;
}

export function parseFunnelRoute(params: URLSearchParams): FunnelRouteState {
  const steps = parseSteps(params.get('steps'));
  const mode = params.get('mode');
  return {
    steps,
    mode: FUNNEL_MODES.includes(mode as FunnelMode) ? (mode as FunnelMode) : 'traces',
    service: params.get('service')?.trim() ?? '',
    open: parseOpen(params.get('open'), steps.length),
  };
}

export function formatFunnelRoute(state: FunnelRouteState): string {
  const params = new URLSearchParams();
  if (state.steps.length) params.set('steps', JSON.stringify(state.steps));
  if (state.mode !== 'traces') params.set('mode', state.mode);
  if (state.service) params.set('service', state.service);
  if (state.open) params.set('open', 'outcome' in state.open ? state.open.outcome : `${state.open.step + 1}.${state.open.set}`);
  const s = params.toString();
  return s ? `#/funnels?${s}` : '#/funnels';
}

/** The query the page runs; `now` in ms decides where a relative range starts. */
export function funnelQueryOf(state: FunnelRouteState, range: TimeRange, now: number): FunnelQuery {
  const query: FunnelQuery = { steps: state.steps, mode: state.mode, runLimit: 100, ...rangeWindow(range, now) };
  if (state.service) query.service = state.service;
  return query;
}
