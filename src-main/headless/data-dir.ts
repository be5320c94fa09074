/**
 * Where Flowtrace keeps its data when no --data-dir is given: the OS's per-user data directory. The
 * one resolver for both shells (the desktop app and the CLI), documented in README "Your data";
 * FLOWTRACE_DATA_DIR wins everywhere.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.FLOWTRACE_DATA_DIR) return env.FLOWTRACE_DATA_DIR;
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Flowtrace', 'data');
  if (platform === 'win32') return join(env.APPDATA || join(homedir(), 'AppData', 'Roaming'), 'Flowtrace', 'data');
  // An empty XDG_DATA_HOME counts as unset (XDG Base Directory spec).
  return join(env.XDG_DATA_HOME || join(homedir(), '.local', 'share'), 'flowtrace');
}
