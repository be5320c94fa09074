/**
 * Argument checks at the trust boundary (IPC handlers, REST). Everything arriving from a renderer
 * or an HTTP client is `unknown` until it passes through here. Throws ArgumentError with a message
 * fit to show the caller.
 */
import type { HexId, TraceListQuery } from './contract';

export class ArgumentError extends Error {
  override name = 'ArgumentError';
}

const TRACE_ID = /^[0-9a-f]{32}$/;
export const MAX_PAGE = 500;
export const DEFAULT_PAGE = 50;

export function parseTraceId(value: unknown): HexId {
  if (typeof value !== 'string') throw new ArgumentError('traceId must be a string');
  const id = value.toLowerCase();
  if (!TRACE_ID.test(id)) throw new ArgumentError('traceId must be 32 hex characters');
  return id;
}

function optionalString(obj: Record<string, unknown>, key: string, max: number): string | undefined {
  const v = obj[key];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') throw new ArgumentError(`${key} must be a string`);
  if (v.length > max) throw new ArgumentError(`${key} is longer than ${max} characters`);
  return v;
}

export function parseTraceListQuery(value: unknown): TraceListQuery {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new ArgumentError('query must be an object');
  const obj = value as Record<string, unknown>;
  const known = new Set(['limit', 'cursor', 'service', 'q']);
  for (const key of Object.keys(obj)) {
    if (!known.has(key)) throw new ArgumentError(`unknown query field "${key}"`);
  }
  const query: TraceListQuery = {};
  if (obj.limit !== undefined && obj.limit !== null && obj.limit !== '') {
    const limit = typeof obj.limit === 'string' ? Number(obj.limit) : obj.limit;
    if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
      throw new ArgumentError(`limit must be an integer from 1 to ${MAX_PAGE}`);
    }
    query.limit = limit;
  }
  const cursor = optionalString(obj, 'cursor', 200);
  if (cursor !== undefined) query.cursor = cursor;
  const service = optionalString(obj, 'service', 1000);
  if (service !== undefined) query.service = service;
  const q = optionalString(obj, 'q', 1000);
  if (q !== undefined) query.q = q;
  return query;
}
