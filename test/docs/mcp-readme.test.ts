/**
 * README, "For coding agents: MCP": its tool table names exactly the tools the server registers,
 * and every client snippet is valid JSON in its client's shape (Cursor and Cline `mcpServers`,
 * VS Code `servers` with a `type`, Cline's HTTP entry with `streamableHttp`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TOOL_NAMES } from '../../src-main/mcp/tools';
import { REPO_ROOT } from '../support/serve-process';

const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('## For coding agents: MCP'), readme.indexOf('\n## ', readme.indexOf('## For coding agents: MCP') + 1));

test('the README lists every MCP tool, and only those', () => {
  const listed = [...section.matchAll(/^\| (`[a-z_]+`(?:, `[a-z_]+`)*) \|/gm)].flatMap((m) => [...m[1]!.matchAll(/`([a-z_]+)`/g)].map((n) => n[1]!));
  assert.deepEqual(listed.sort(), [...TOOL_NAMES].sort());
});

test('the client snippets parse and have their client shape', () => {
  const snippets = [...section.matchAll(/```json\n([\s\S]*?)```/g), ...section.matchAll(/`(\{ "(?:mcpServers|servers)"[\s\S]*?\} \} \})`/g)].map((m) => JSON.parse(m[1]!) as Record<string, Record<string, Record<string, unknown>>>);
  assert.equal(snippets.length, 6);
  for (const s of snippets) {
    const entry = (s.mcpServers ?? s.servers)!.flowtrace!;
    if ('command' in entry) assert.deepEqual([entry.command, entry.args], ['npx', ['flowtrace', 'mcp']]);
    else assert.equal(entry.url, 'http://127.0.0.1:9600/mcp');
    if (s.servers) assert.ok(entry.type === 'stdio' || entry.type === 'http', 'VS Code entries say their type');
    if ('autoApprove' in entry && 'url' in entry) assert.equal(entry.type, 'streamableHttp', 'Cline reads a bare url as SSE');
  }
  assert.match(section, /^claude mcp add flowtrace -- npx flowtrace mcp$/m);
  assert.match(section, /^claude mcp add --transport http flowtrace http:\/\/127\.0\.0\.1:9600\/mcp$/m);
});
