/**
 * `flowtrace://` links, so a terminal, a chat message or another tool can open a run in the app:
 * `flowtrace://trace/{traceId}` (optionally `/span/{spanId}`) and `flowtrace://session/{id}`.
 * Only these shapes are read, ids checked, and turned into the UI's own hash route; anything else
 * is ignored. Pure: no electron import.
 */
export const DEEP_LINK_SCHEME = 'flowtrace';

const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;
const MAX_SESSION_ID = 1000;

/** The hash route a deep link opens, or null when it is not one of ours. */
export function deepLinkHash(link: string): string | null {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    return null;
  }
  if (url.protocol !== `${DEEP_LINK_SCHEME}:`) return null;
  // flowtrace://trace/abc parses with host "trace" and path "/abc"; flowtrace:trace/abc without it.
  const parts = [url.host, ...url.pathname.split('/')].filter(Boolean).map((p) => {
    try {
      return decodeURIComponent(p);
    } catch {
      return '';
    }
  });
  const [kind, id, sub, subId] = parts;
  if (kind === 'trace' && id) {
    const traceId = id.toLowerCase();
    if (!TRACE_ID.test(traceId)) return null;
    if (sub === undefined) return `#/traces/${traceId}`;
    const spanId = subId?.toLowerCase() ?? '';
    return sub === 'span' && SPAN_ID.test(spanId) && parts.length === 4 ? `#/traces/${traceId}?span=${spanId}` : null;
  }
  if (kind === 'session' && id && parts.length === 2 && id.length <= MAX_SESSION_ID) return `#/sessions/${encodeURIComponent(id)}`;
  return null;
}

/** The first deep link among a second launch's command-line arguments (Windows and Linux pass it there). */
export function deepLinkInArgs(argv: readonly string[]): string | null {
  for (const arg of argv) {
    if (!arg.startsWith(`${DEEP_LINK_SCHEME}:`)) continue;
    const hash = deepLinkHash(arg);
    if (hash) return hash;
  }
  return null;
}
