/**
 * Answers one app:// request from the renderer build directory: a file that resolves, after
 * symlinks, inside that directory, with its content type and the CSP header; 403 for refused paths,
 * 404 for anything else. No electron import, so it runs (and can be tested) under plain Node.
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import { sep } from 'node:path';
import { contentTypeOf } from '../../src-shared/content-types';
import { CONTENT_SECURITY_POLICY, resolveRendererFile } from './app-url';

function textResponse(status: number, body: string): Response {
  return new Response(body, {
    status,
    headers: {
      'content-type': 'text/plain; charset=utf-8',
      'content-security-policy': CONTENT_SECURITY_POLICY,
      'x-content-type-options': 'nosniff',
    },
  });
}

/** `realRoot` is `realpath(root)`, resolved once by the caller. */
export async function serveRendererFile(root: string, realRoot: string, request: Request): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return textResponse(405, 'method not allowed');
  const file = resolveRendererFile(root, request.url);
  if (file === null) return textResponse(403, 'forbidden');
  let real: string;
  try {
    real = await realpath(file);
    // A symlink inside the build must not lead out of it.
    if (!real.startsWith(realRoot + sep) || !(await stat(real)).isFile()) return textResponse(404, 'not found');
  } catch {
    return textResponse(404, 'not found');
  }
  const body = request.method === 'HEAD' ? null : new Uint8Array(await readFile(real));
  return new Response(body, {
    status: 200,
    headers: {
      'content-type': contentTypeOf(real),
      'content-security-policy': CONTENT_SECURITY_POLICY,
      'x-content-type-options': 'nosniff',
      // Rebuilt assets get new hashed names but index.html keeps its name: always revalidate.
      'cache-control': 'no-cache',
    },
  });
}
