/** The UI's Content-Security-Policy is the same in the page itself and in both shells' headers. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONTENT_SECURITY_POLICY } from '../../src-shared/security';
import { REPO_ROOT } from '../support/serve-process';

test('index.html carries the shared CSP in its meta tag, with no inline script or style', () => {
  const html = readFileSync(join(REPO_ROOT, 'src-renderer/index.html'), 'utf8');
  const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/i.exec(html);
  assert.ok(meta, 'index.html has a CSP meta tag');
  assert.equal(meta[1], CONTENT_SECURITY_POLICY);
  assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/i, 'no inline <script>');
  assert.doesNotMatch(html, /<style\b/i, 'no inline <style>');
  assert.doesNotMatch(CONTENT_SECURITY_POLICY, /unsafe-inline|unsafe-eval/);
});
