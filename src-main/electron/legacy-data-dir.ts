/**
 * The desktop app used to keep its data in Electron's userData folder (`<userData>/data`), which on
 * Linux is not where the CLI looks (~/.config/… against ~/.local/share/flowtrace). Both now use
 * defaultDataDir(); a database left in the old place is moved to the new one once, so an update
 * neither hides nor splits anyone's traces. Nothing is deleted: when the move is impossible (the new
 * place is taken, another disk), the old directory stays in use and the log says why.
 * Plain Node (no electron import), so it is tested without an Electron binary.
 */
import { existsSync, readdirSync, renameSync, rmdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { DB_FILE } from '../engine';
import { ensureDataDir } from '../engine/data-dir';


/** The data directory to use: `target`, after moving `legacy` there when only `legacy` holds a database. */
export function adoptLegacyDataDir(legacy: string, target: string, log: (line: string) => void): string {
  if (resolve(legacy) === resolve(target) || !existsSync(join(legacy, DB_FILE))) return target;
  if (existsSync(target) && readdirSync(target).length > 0) {
    log(`flowtrace: an older data directory ${legacy} is left as it is; data is in ${target}`);
    return target;
  }
  try {
    ensureDataDir(dirname(target));
    if (existsSync(target)) rmdirSync(target); // empty: checked above
    renameSync(legacy, target);
    log(`flowtrace: moved the data directory from ${legacy} to ${target} (where the CLI looks too)`);
    return target;
  } catch (error) {
    log(`flowtrace: could not move ${legacy} to ${target} (${(error as NodeJS.ErrnoException).code ?? String(error)}); still using ${legacy}`);
    return legacy;
  }
}
