#!/usr/bin/env node
// The `flowtrace` command. It runs the built CLI (out/main/cli.js), which `npm ci` builds through
// the package's `prepare` script; a missing build is reported in one line instead of a stack trace.
import { existsSync } from 'node:fs';

const cli = new URL('../out/main/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('flowtrace: not built yet; run `npm run build` in the Flowtrace directory first\n');
  process.exit(1);
}
const { main } = await import(cli.href);
const code = await main(process.argv.slice(2));
if (code >= 0) process.exitCode = code;
