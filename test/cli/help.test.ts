/**
 * Every command in the command table (src-main/cli/commands.ts) answers `--help` with its usage
 * (exit 0, stdout), and a mistake with one line (exit 2). The README's command table lists exactly
 * the same commands with the same synopses and summaries. A command added without help or docs
 * fails here. Runs the real binary: `npx electron-vite build` first.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMMANDS } from '../../src-main/cli/commands';
import { usageOf } from '../../src-main/cli/command';
import { REPO_ROOT } from '../support/serve-process';
import { runCliAsync } from '../support/cli';

test('the command table has every command once, each with a synopsis, summary and usage', async () => {
  const names = COMMANDS.map((c) => c.name);
  assert.equal(new Set(names).size, names.length);
  for (const c of COMMANDS) {
    const usage = await usageOf(c);
    assert.ok(c.synopsis.startsWith(c.name), `${c.name}: synopsis "${c.synopsis}" starts with the name`);
    assert.ok(c.summary.length > 10 && c.summary.length <= 72, `${c.name}: a summary of one short line`);
    assert.match(usage, new RegExp(`^Usage:[\\s\\S]*flowtrace ${c.name}\\b`), `${c.name}: usage names the command`);
    assert.ok(usage.endsWith('\n'));
    // 120: a config snippet to copy (mcp's JSON) may not wrap; prose stays within 100.
    for (const line of usage.split('\n')) assert.ok(line.length <= 120, `${c.name}: usage line over 120 columns: ${line}`);
  }
});

for (const command of COMMANDS) {
  test(`flowtrace ${command.name} --help prints its usage and exits 0; a wrong option is one line and exit 2`, async () => {
    const usage = await usageOf(command);
    const [help, short, viaHelp, wrong] = await Promise.all([
      runCliAsync([command.name, '--help']),
      runCliAsync([command.name, '-h']),
      runCliAsync(['help', command.name]),
      runCliAsync([command.name, '--no-such-option']),
    ]);
    assert.equal(help.status, 0, help.stderr);
    assert.equal(help.stdout, usage);
    assert.equal(help.stderr, '');
    assert.equal(short.stdout, usage);
    assert.equal(viaHelp.stdout, usage);
    assert.equal(wrong.status, 2);
    assert.equal(wrong.stdout, '');
    assert.match(wrong.stderr, new RegExp(`^flowtrace ${command.name}: unknown option '--no-such-option' \\(.*\`?flowtrace ${command.name} --help\`?.*\\)\\n$`, 'i'));
  });
}

test('flowtrace --help lists every command; no command or an unknown one is exit 2', async () => {
  const [help, none, unknown, version] = await Promise.all([runCliAsync(['--help']), runCliAsync([]), runCliAsync(['frobnicate']), runCliAsync(['--version'])]);
  assert.equal(help.status, 0);
  for (const c of COMMANDS) assert.ok(help.stdout.includes(`  flowtrace ${c.synopsis}`) && help.stdout.includes(c.summary), `top-level help lists ${c.name}`);
  for (const line of help.stdout.split('\n')) assert.ok(line.length <= 100, `top-level help line over 100 columns: ${line}`);
  assert.equal(none.status, 2);
  assert.equal(none.stderr, help.stdout);
  assert.equal(unknown.status, 2);
  assert.equal(unknown.stderr, 'flowtrace: unknown command "frobnicate"; `flowtrace --help` lists them\n');
  assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
});

test("README's command table is the CLI's: same commands, synopses and summaries, in order", () => {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('\n## Command line\n');
  assert.ok(start >= 0, 'README has a "## Command line" section');
  const section = readme.slice(start + 1, readme.indexOf('\n## ', start + 1));
  const rows = [...section.matchAll(/^\| `flowtrace ([^`]+)` \| (.+?) \|$/gm)].map((m) => ({ synopsis: m[1]!.replace(/\\\|/g, '|'), summary: m[2]! }));
  assert.deepEqual(
    rows,
    COMMANDS.map((c) => ({ synopsis: c.synopsis, summary: c.summary })),
  );
});
