/** Builds OTLP/JSON requests for store tests that need exact ids and times (out of order, orphans). */
export interface SpanSpec {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  startMs: number;
  durationMs?: number;
  error?: boolean;
  service?: string;
  attributes?: Record<string, string | number | boolean>;
  event?: { name: string; text: string };
}

function anyValue(v: string | number | boolean): Record<string, unknown> {
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
}

export function otlpJson(specs: SpanSpec[]): string {
  const byService = new Map<string, SpanSpec[]>();
  for (const s of specs) byService.set(s.service ?? 'store-test', [...(byService.get(s.service ?? 'store-test') ?? []), s]);
  return JSON.stringify({
    resourceSpans: [...byService].map(([service, spans]) => ({
      resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
      scopeSpans: [
        {
          scope: { name: 'store-test' },
          spans: spans.map((s) => ({
            traceId: s.traceId,
            spanId: s.spanId,
            parentSpanId: s.parentSpanId ?? '',
            name: s.name,
            kind: 1,
            startTimeUnixNano: (BigInt(s.startMs) * 1_000_000n).toString(),
            endTimeUnixNano: (BigInt(s.startMs + (s.durationMs ?? 10)) * 1_000_000n).toString(),
            status: s.error ? { code: 2, message: 'boom' } : {},
            attributes: Object.entries(s.attributes ?? {}).map(([key, value]) => ({ key, value: anyValue(value) })),
            events: s.event
              ? [{ name: s.event.name, timeUnixNano: (BigInt(s.startMs) * 1_000_000n).toString(), attributes: [{ key: 'text', value: { stringValue: s.event.text } }] }]
              : [],
          })),
        },
      ],
    })),
  });
}

export const tid = (n: number) => n.toString(16).padStart(32, '0');
export const sid = (n: number) => n.toString(16).padStart(16, '0');
