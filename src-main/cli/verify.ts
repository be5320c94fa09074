/**
 * `flowtrace verify`: the data directory's store checked against its audit trail
 * (store/audit-verify.ts). Read-only, so it runs beside a running Flowtrace; exits 1 naming every
 * trace whose stored content no longer matches what was recorded, or where the chain breaks.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defaultDataDir } from '../headless/data-dir';
import { out, parse, UsageError, type Command } from './command';

export const verifyCommand: Command = {
  name: 'verify',
  synopsis: 'verify',
  summary: 'check the stored traces against the audit trail',
  usage: `Usage: flowtrace verify [--data-dir DIR]

Checks the data directory's store against its audit trail: every span block compaction wrote was
recorded, in arrival order, with a digest and a hash chained over everything recorded before it.
verify recomputes the chain and hashes every block still stored again. It names each trace whose
stored spans no longer match what was recorded (a span name, an attribute, a time edited in the
database file behind Flowtrace's back), and says where the chain breaks if recorded digests were
edited or removed. Blocks retention or a delete took stay in the chain. It reads only, and works
while Flowtrace runs.

Exit status: 0 when everything matches, 1 when something does not.

Options:
  --data-dir DIR   the data directory (default: $FLOWTRACE_DATA_DIR or the OS user data dir,
                   the one the desktop app and \`serve\` use)

Example:
  flowtrace verify --data-dir ~/flowtrace-copy
`,
  async run(argv) {
    const { values, positionals } = parse(argv, { 'data-dir': { type: 'string' } });
    if (positionals.length > 0) throw new UsageError(`takes no arguments, not "${positionals[0]}"`);
    const dataDir = resolve(values['data-dir'] ?? defaultDataDir());
    const [{ DB_FILE }, { default: Database }, { verifyAudit }] = await Promise.all([import('../engine'), import('better-sqlite3'), import('../engine/store/audit-verify')]);
    const file = join(dataDir, DB_FILE);
    if (!existsSync(file)) throw new Error(`no Flowtrace store at ${file}`);
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      const hasChain = db.prepare("SELECT 1 FROM sqlite_schema WHERE name = 'audit_chain'").get() !== undefined;
      if (!hasChain) throw new Error(`${file} predates the audit trail: start this Flowtrace on it once, and what arrives from then on is recorded`);
      const r = verifyAudit(db);
      const n = (x: number) => x.toLocaleString('en-US');
      out(`${file}: ${n(r.recorded)} block(s) recorded; ${n(r.checked)} stored and hashed again, ${n(r.gone)} taken by retention or deletes`);
      if (r.uncovered > 0) out(`${n(r.uncovered)} block(s) were stored before the audit trail began: not covered`);
      if (r.chainBrokenAt !== null) out(`the audit chain breaks at block row ${r.chainBrokenAt}: recorded digests were edited or removed there`);
      if (r.mismatched.length > 0) {
        out(`${r.mismatched.length} trace(s) no longer match what Flowtrace recorded:`);
        for (const m of r.mismatched) out(`  ${m.traceId}  ${m.rootName ?? '(trace row gone)'}  (block row${m.rows.length > 1 ? 's' : ''} ${m.rows.join(', ')})`);
      }
      const ok = r.chainBrokenAt === null && r.mismatched.length === 0;
      out(ok ? `verified: everything stored matches what was recorded; chain head ${r.head}` : 'NOT verified');
      return ok ? 0 : 1;
    } finally {
      db.close();
    }
  },
};
