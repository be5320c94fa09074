/**
 * Funnel queries at the boundary: the validating parser every shell runs (IPC, REST, engine), and the
 * one URL form of a query (`steps` as JSON, `mode`, `from`, `to`, `service`, `runLimit`) that the REST
 * route `GET /api/v1/funnel`, its clients and the UI's `#/funnels` hash share. Pure.
 */
import { GENAI_KINDS, type FunnelMode, type FunnelQuery, type FunnelStep, type FunnelStepType, type GenAiKind } from './contract';
import { ArgumentError } from './validate';

export const FUNNEL_STEP_TYPES: readonly FunnelStepType[] = ['agent', 'tool', 'spanName', 'attribute'];
export const FUNNEL_MODES: readonly FunnelMode[] = ['traces', 'sessions'];
export const MAX_FUNNEL_STEPS = 8;
export const MAX_FUNNEL_RUNS = 500;
export const DEFAULT_FUNNEL_RUNS = 50;
const MAX_VALUE = 1000;
const QUERY_FIELDS = new Set(['steps', 'mode', 'from', 'to', 'service', 'runLimit']);
const STEP_FIELDS = new Set(['type', 'value', 'key', 'kind']);
const MAX_NANOS = 9223372036854775807n;

function text(obj: Record<string, unknown>, key: string, where: string): string {
  const v = obj[key];
  if (typeof v !== 'string' || v === '') throw new ArgumentError(`${where}.${key} must be a non-empty string`);
  if (v.length > MAX_VALUE) throw new ArgumentError(`${where}.${key} is longer than ${MAX_VALUE} characters`);
  return v;
}

function nanos(obj: Record<string, unknown>, key: string): string | undefined {
  const v = obj[key];
  if (v === undefined || v === '') return undefined;
  if (typeof v !== 'string' || !/^\d{1,20}$/.test(v) || BigInt(v) > 18446744073709551615n) throw new ArgumentError(`${key} must be unix nanoseconds as a decimal string`);
  // As validate.ts: an OTLP time is unsigned 64-bit, the store's INTEGER signed; past it means the same.
  return BigInt(v) > MAX_NANOS ? MAX_NANOS.toString() : v;
}

function parseStep(value: unknown, i: number): FunnelStep {
  const where = `steps[${i}]`;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ArgumentError(`${where} must be an object`);
  const obj = value as Record<string, unknown>;
  for (const k of Object.keys(obj)) if (!STEP_FIELDS.has(k)) throw new ArgumentError(`${where} has an unknown field "${k}"`);
  const type = obj['type'];
  if (!FUNNEL_STEP_TYPES.includes(type as FunnelStepType)) throw new ArgumentError(`${where}.type must be one of ${FUNNEL_STEP_TYPES.join(', ')}`);
  const step: FunnelStep = { type: type as FunnelStepType, value: text(obj, 'value', where) };
  if (type === 'attribute') step.key = text(obj, 'key', where);
  else if (obj['key'] !== undefined) throw new ArgumentError(`${where}.key is only for attribute steps`);
  if (obj['kind'] !== undefined) {
    if (!(GENAI_KINDS as readonly string[]).includes(obj['kind'] as string)) throw new ArgumentError(`${where}.kind must be one of ${GENAI_KINDS.join(', ')}`);
    step.kind = obj['kind'] as GenAiKind;
  }
  return step;
}

export function parseFunnelQuery(value: unknown): FunnelQuery {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ArgumentError('funnel query must be an object');
  const obj = value as Record<string, unknown>;
  for (const k of Object.keys(obj)) if (!QUERY_FIELDS.has(k)) throw new ArgumentError(`unknown funnel field "${k}"`);
  const steps = obj['steps'];
  if (!Array.isArray(steps) || steps.length === 0 || steps.length > MAX_FUNNEL_STEPS) throw new ArgumentError(`steps must be a list of 1 to ${MAX_FUNNEL_STEPS} steps`);
  const query: FunnelQuery = { steps: steps.map(parseStep) };
  if (obj['mode'] !== undefined) {
    if (!FUNNEL_MODES.includes(obj['mode'] as FunnelMode)) throw new ArgumentError('mode must be traces or sessions');
    query.mode = obj['mode'] as FunnelMode;
  }
  const from = nanos(obj, 'from');
  const to = nanos(obj, 'to');
  if (from !== undefined) query.from = from;
  if (to !== undefined) query.to = to;
  if (from !== undefined && to !== undefined && BigInt(from) > BigInt(to)) throw new ArgumentError('from is after to');
  if (obj['service'] !== undefined && obj['service'] !== '') query.service = text(obj, 'service', 'query');
  if (obj['runLimit'] !== undefined) {
    const n = obj['runLimit'];
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_FUNNEL_RUNS) throw new ArgumentError(`runLimit must be an integer from 1 to ${MAX_FUNNEL_RUNS}`);
    query.runLimit = n;
  }
  return query;
}

/** The query as URL parameters (`steps` JSON-encoded); only fields that are set. */
export function funnelQueryToParams(query: FunnelQuery): URLSearchParams {
  const params = new URLSearchParams();
  params.set('steps', JSON.stringify(query.steps));
  if (query.mode !== undefined) params.set('mode', query.mode);
  if (query.from !== undefined) params.set('from', query.from);
  if (query.to !== undefined) params.set('to', query.to);
  if (query.service !== undefined) params.set('service', query.service);
  if (query.runLimit !== undefined) params.set('runLimit', String(query.runLimit));
  return params;
}

/** URL parameters back into a query object for parseFunnelQuery (which names what is wrong). */
export function funnelQueryFromParams(params: URLSearchParams): unknown {
  const out: Record<string, unknown> = {};
  for (const [key, value] of params) {
    if (key === 'steps') {
      try {
        out[key] = JSON.parse(value) as unknown;
      } catch {
        throw new ArgumentError('steps must be a JSON list of steps');
      }
    } else if (key === 'runLimit') out[key] = /^\d{1,4}$/.test(value) ? Number(value) : value;
    else out[key] = value;
  }
  return out;
}

/** A step as a short label: `agent planner`, `tool search`, `span chat`, `user.tier = gold`. */
export function funnelStepLabel(step: FunnelStep): string {
  const base = step.type === 'attribute' ? `${step.key ?? ''} = ${step.value}` : `${step.type === 'spanName' ? 'span' : step.type} ${step.value}`;
  return step.kind ? `${base} (${step.kind})` : base;
}
