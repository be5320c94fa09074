/**
 * `flowtrace backup` and `flowtrace restore`: a data directory's database as one file. Backup works
 * while Flowtrace runs (one read transaction); restore takes the directory's lock, so it refuses
 * while a Flowtrace runs there, and creates the directory when it is new.
 */
import { join, resolve } from 'node:path';
import { DataDirInUseError, lockDataDir } from '../engine/data-dir-lock';
import { ensureDataDir } from '../engine/data-dir';
import { defaultDataDir } from '../headless/data-dir';
import { out, parse, UsageError, type Command } from './command';

function fileAndDataDir(argv: string[]): { file: string; dataDir: string } {
  const { values, positionals } = parse(argv, { 'data-dir': { type: 'string' } });
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'needs a FILE' : `takes one FILE, not ${positionals.length}`);
  return { file: resolve(positionals[0]!), dataDir: resolve(values['data-dir'] ?? defaultDataDir()) };
}

const DATA_DIR_OPTION = `  --data-dir DIR   the data directory (default: $FLOWTRACE_DATA_DIR or the OS user data dir,
                   the one the desktop app and \`serve\` use)
`;

export const backupCommand: Command = {
  name: 'backup',
  synopsis: 'backup FILE',
  summary: 'copy the database to FILE, even while running',
  usage: `Usage: flowtrace backup FILE [--data-dir DIR]

Copies the data directory's database to FILE, a new file, as one consistent SQLite file. It works
while Flowtrace runs and takes data: everything acknowledged before the backup started is in it.

Options:
${DATA_DIR_OPTION}
Example:
  flowtrace backup ~/flowtrace-backup.sqlite
`,
  async run(argv) {
    const { file, dataDir } = fileAndDataDir(argv);
    const [{ DB_FILE }, { backupDatabase }] = await Promise.all([import('../engine'), import('../engine/store/backup')]);
    const { bytes } = backupDatabase(join(dataDir, DB_FILE), file);
    out(`backed up ${join(dataDir, DB_FILE)} to ${file} (${(bytes / 1024 / 1024).toFixed(1)} MB)`);
    return 0;
  },
};

export const restoreCommand: Command = {
  name: 'restore',
  synopsis: 'restore FILE',
  summary: 'replace the database with a backup',
  usage: `Usage: flowtrace restore FILE [--data-dir DIR]

Replaces the data directory's database with the backup FILE. Flowtrace must not be running on
that directory (restore refuses while it is). The current database is moved aside as
flowtrace.sqlite.before-restore-<time>, never deleted. A directory that does not exist yet is
created.

Options:
${DATA_DIR_OPTION}
Example:
  flowtrace restore ~/flowtrace-backup.sqlite --data-dir ~/flowtrace-copy
`,
  async run(argv) {
    const { file, dataDir } = fileAndDataDir(argv);
    ensureDataDir(dataDir);
    let unlock: () => void;
    try {
      unlock = lockDataDir(dataDir);
    } catch (err) {
      if (err instanceof DataDirInUseError) {
        throw new Error(`cannot restore while Flowtrace runs: ${err.message.replace(/; stop it.*$/, '')}; stop it first (backup works while it runs)`, { cause: err });
      }
      throw err;
    }
    try {
      const [{ DB_FILE }, { restoreDatabase }] = await Promise.all([import('../engine'), import('../engine/store/backup')]);
      const movedTo = restoreDatabase(file, dataDir, DB_FILE);
      out(`restored ${file} into ${dataDir}${movedTo ? `; the previous database was moved to ${movedTo}` : ''}`);
    } finally {
      unlock();
    }
    return 0;
  },
};
