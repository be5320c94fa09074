/**
 * The Content-Security-Policy of every page of the UI, in both shells (the app:// protocol in
 * Electron, `flowtrace serve` over HTTP); src-renderer/index.html carries the same in a <meta> tag.
 * No inline script or style: span text that reaches the page can never become code.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  // The outline decode worker (src-renderer/src/api/outline-decoder.ts): same-origin scripts only,
  // said outright rather than left to the fallback through script-src; never blob: or data:.
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');
