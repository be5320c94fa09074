// The deep-linkable part of the UI lives in the URL hash so reload and back restore it:
//   #/                         trace list
//   #/traces/{traceId}         one trace
//   #/traces/{traceId}?span=…  one trace with a span's detail open
// Ids are normalized to lowercase hex; anything unparseable falls back to the list.

export type Route = { view: 'list' } | { view: 'trace'; traceId: string; spanId: string | null };

const HEX = /^[0-9a-f]+$/;

export function parseRoute(hash: string): Route {
  const raw = hash.replace(/^#/, '');
  const [path = '', search = ''] = raw.split('?', 2);
  const parts = path.split('/').filter(Boolean);
  if (parts[0] === 'traces' && parts[1]) {
    const traceId = safeDecode(parts[1]).toLowerCase();
    if (HEX.test(traceId)) {
      const span = new URLSearchParams(search).get('span')?.toLowerCase() ?? null;
      return { view: 'trace', traceId, spanId: span && HEX.test(span) ? span : null };
    }
  }
  return { view: 'list' };
}

export function formatRoute(route: Route): string {
  if (route.view === 'list') return '#/';
  const base = `#/traces/${encodeURIComponent(route.traceId)}`;
  return route.spanId ? `${base}?span=${encodeURIComponent(route.spanId)}` : base;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
