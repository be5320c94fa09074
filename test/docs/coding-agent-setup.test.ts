/**
 * The coding-agent set-up guide (src-shared/coding-agent-setup.ts, README, the empty state) names
 * only settings the tools themselves know: each name is looked up in the installed package (docs,
 * bundled code, or the native binary) when the CLIs are installed (`CODING_AGENTS_CLI_ROOT`, default
 * /tmp/cli), else in the committed list extracted from those packages
 * (test/fixtures/coding-agents/setup-names.json; `FLOWTRACE_UPDATE_SETUP_NAMES=1` rewrites it).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CODING_AGENT_SETUPS } from '../../src-shared/coding-agent-setup';
import { REPO_ROOT } from '../support/serve-process';
import { CODING_AGENT_FIXTURES } from '../support/coding-agent-fixtures';

const CLI_ROOT = join(process.env.CODING_AGENTS_CLI_ROOT ?? '/tmp/cli', 'node_modules');
const LIST_FILE = join(CODING_AGENT_FIXTURES, 'setup-names.json');

/** Where each package keeps the names: docs, its bundle, or its native binary (a platform package). */
const SOURCES: Record<string, string[]> = {
  '@anthropic-ai/claude-code': ['@anthropic-ai/claude-code/README.md', '@anthropic-ai/claude-code-linux-x64/claude'],
  '@openai/codex': ['@openai/codex/README.md', '@openai/codex-linux-x64/vendor/x86_64-unknown-linux-musl/bin/codex'],
  '@google/gemini-cli': ['@google/gemini-cli/bundle/docs/cli/telemetry.md', '@google/gemini-cli/bundle'],
};

type NameList = Record<string, { version: string; names: Record<string, string> }>;

function filesOf(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path).filter((f) => f.endsWith('.js')).map((f) => join(path, f));
}

/** Each name → the first package file (relative) that contains it. */
function extract(pkg: string, names: readonly string[]): NameList[string] {
  const version = (JSON.parse(readFileSync(join(CLI_ROOT, pkg, 'package.json'), 'utf8')) as { version: string }).version;
  const found: Record<string, string> = {};
  for (const file of SOURCES[pkg]!.flatMap((s) => filesOf(join(CLI_ROOT, s)))) {
    const missing = names.filter((n) => !(n in found));
    if (missing.length === 0) break;
    const bytes = readFileSync(file);
    for (const n of missing) if (bytes.includes(n)) found[n] = file.slice(CLI_ROOT.length + 1);
  }
  return { version, names: found };
}

test('the set-up guide names only settings each tool knows (installed package, else the committed list)', () => {
  const committed = JSON.parse(readFileSync(LIST_FILE, 'utf8')) as NameList;
  const live: NameList = {};
  const absent = CODING_AGENT_SETUPS.filter((s) => !existsSync(join(CLI_ROOT, s.npmPackage, 'package.json'))).map((s) => s.npmPackage);
  if (absent.length > 0) console.log(`!!! SKIPPED the live check of ${absent.join(', ')}: not installed under ${CLI_ROOT}; checked against the committed list only`);
  for (const setup of CODING_AGENT_SETUPS) {
    if (existsSync(join(CLI_ROOT, setup.npmPackage, 'package.json'))) {
      live[setup.npmPackage] = extract(setup.npmPackage, setup.names);
    }
    const list = live[setup.npmPackage] ?? committed[setup.npmPackage];
    assert.ok(list, `${setup.npmPackage} is in the committed list`);
    for (const name of setup.names) assert.ok(name in list.names, `${setup.tool}: ${name} is not in ${setup.npmPackage}@${list.version}`);
    // Every name the lines use is one of the checked names (or a value).
    for (const line of setup.lines) for (const name of setup.names) if (line.includes(name)) assert.ok(setup.names.includes(name));
  }
  if (process.env.FLOWTRACE_UPDATE_SETUP_NAMES === '1') writeFileSync(LIST_FILE, `${JSON.stringify({ ...committed, ...live }, null, 2)}\n`);
});

test('README and the empty state carry the guide’s lines exactly', () => {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  for (const setup of CODING_AGENT_SETUPS) for (const line of setup.lines) assert.ok(readme.includes(line), `README lacks ${setup.tool}: ${line}`);
  const empty = readFileSync(join(REPO_ROOT, 'src-renderer/src/components/EmptyState.tsx'), 'utf8');
  assert.match(empty, /CODING_AGENT_SETUPS/);
});
