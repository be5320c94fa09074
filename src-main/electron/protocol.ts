/**
 * Serves the built renderer (out/renderer) over app://flowtrace/ instead of file://, so the page has
 * a real origin, a CSP header and no read access to the rest of the disk (the rules themselves are
 * in renderer-files.ts and app-url.ts).
 */
import { protocol } from 'electron';
import { realpath } from 'node:fs/promises';
import { APP_SCHEME } from './app-url';
import { serveRendererFile } from './renderer-files';

/** Must run before `app` is ready: privileges are fixed when Chromium starts. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    // standard: relative URLs and a real (tuple) origin; secure: treated like https; supportFetchAPI:
    // the page may fetch its own assets. Same-origin module scripts need nothing more. No bypassCSP,
    // and no corsEnabled: that flag lets other origins read app:// without any ACAO check.
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

/** Call after `app.whenReady()`. */
export async function serveRenderer(rendererDir: string): Promise<void> {
  const realRoot = await realpath(rendererDir).catch(() => {
    throw new Error(`renderer build not found at ${rendererDir}; run \`npx electron-vite build\``);
  });
  protocol.handle(APP_SCHEME, (request) => serveRendererFile(rendererDir, realRoot, request));
}
