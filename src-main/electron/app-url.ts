/**
 * Which URLs the window may show and which files app:// may serve. Pure (no electron, no fs) so it
 * can be tested under plain Node. Invariant: the only trusted pages are app://flowtrace/… and, in an
 * unpackaged dev run, the electron-vite dev server's exact origin.
 */
import { isAbsolute, join, relative, sep } from 'node:path';

export const APP_SCHEME = 'app';
export const APP_HOST = 'flowtrace';
export const APP_ENTRY_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/** Sent as a header on every app:// response; a <meta> CSP in index.html can only add to it. */
export { CONTENT_SECURITY_POLICY } from '../../src-shared/security';

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/**
 * True for app://flowtrace/… only. Not `new URL(url).origin === …`: for a non-special scheme the
 * WHATWG origin is the opaque "null", so app://flowtrace, app://evil and evil://x would all compare
 * equal. Scheme and host are compared instead (Chromium lowercases hosts of standard schemes).
 */
export function isAppUrl(url: string): boolean {
  const u = parse(url);
  return (
    u !== null &&
    u.protocol === `${APP_SCHEME}:` &&
    u.host.toLowerCase() === APP_HOST &&
    u.username === '' &&
    u.password === ''
  );
}

export interface OriginPolicy {
  /** What the window loads first. */
  readonly entryUrl: string;
  /** May a frame showing `url` talk to the engine, and may the window navigate there? */
  isTrusted(url: string): boolean;
}

/** `devServerUrl` (ELECTRON_RENDERER_URL) is honoured only for an unpackaged app; pass undefined otherwise. */
export function createOriginPolicy(devServerUrl: string | undefined): OriginPolicy {
  const dev = devServerUrl ? parse(devServerUrl) : null;
  if (dev && dev.protocol !== 'http:' && dev.protocol !== 'https:') {
    throw new Error(`ELECTRON_RENDERER_URL must be http(s), got ${devServerUrl}`);
  }
  const devOrigin = dev?.origin;
  return {
    entryUrl: dev ? dev.href : APP_ENTRY_URL,
    isTrusted(url) {
      if (isAppUrl(url)) return true;
      if (devOrigin === undefined) return false;
      const u = parse(url);
      return u !== null && (u.protocol === 'http:' || u.protocol === 'https:') && u.origin === devOrigin;
    },
  };
}

/**
 * Maps an app:// request URL to a file under `root`, or null when it must be refused: another host,
 * bad percent-encoding, NUL bytes, or a path that escapes `root` once decoded. The URL parser
 * already drops `..` and `%2e%2e` segments, but not `..%2f..%2f` or (on Windows) `..%5c`.
 */
export function resolveRendererFile(root: string, url: string): string | null {
  if (!isAppUrl(url)) return null;
  const u = parse(url);
  if (!u) return null;
  let path: string;
  try {
    path = decodeURIComponent(u.pathname);
  } catch {
    return null;
  }
  if (path.includes('\0')) return null;
  if (path === '' || path.endsWith('/')) path += 'index.html';
  const file = join(root, path);
  const rel = relative(root, file);
  if (rel === '' || isAbsolute(rel) || rel === '..' || rel.startsWith(`..${sep}`)) return null;
  return file;
}
