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
          })),
        },
      ],
    })),
  });
}

export const tid = (n: number) => n.toString(16).padStart(32, '0');
export const sid = (n: number) => n.toString(16).padStart(16, '0');
