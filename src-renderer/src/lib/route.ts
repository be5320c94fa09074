// The deep-linkable part of the UI lives in the URL hash so reload and back restore it:
//   #/                         trace list
//   #/traces/{traceId}         one trace
//   #/traces/{traceId}?span=…  one trace with a span's detail open
//   #/sessions                 the session list
//   #/sessions/{sessionId}     one session (ids are any text: URL-encoded)
// Ids are normalized to lowercase hex; anything unparseable falls back to the list.

export type Route =
  | { view: 'list' }
  | { view: 'trace'; traceId: string; spanId: string | null }
  | { view: 'sessions' }
  | { view: 'session'; sessionId: string };

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
  if (parts[0] === 'sessions') {
    const id = parts[1] === undefined ? '' : safeDecode(parts.slice(1).join('/'));
    return id === '' ? { view: 'sessions' } : { view: 'session', sessionId: id };
  }
  return { view: 'list' };
}

export function formatRoute(route: Route): string {
  if (route.view === 'list') return '#/';
  if (route.view === 'sessions') return '#/sessions';
  if (route.view === 'session') return `#/sessions/${encodeURIComponent(route.sessionId)}`;
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
