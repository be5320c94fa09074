#!/usr/bin/env node
// Runs a built Flowtrace CLI the way bin/flowtrace.mjs does, from the build directory given as the
// first argument (the benchmark's own build in bench/results/build, or out/).
// Usage: node bench/lib/serve-launcher.mjs <build-dir> serve --data-dir ...
import { pathToFileURL } from 'node:url';
import { join, resolve } from 'node:path';

const [buildDir, ...args] = process.argv.slice(2);
const cli = pathToFileURL(join(resolve(buildDir), 'main/cli.js'));
const { main } = await import(cli.href);
const code = await main(args);
if (code >= 0) process.exitCode = code;
