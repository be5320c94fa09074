/** Where Flowtrace keeps its data when no --data-dir is given: the OS's per-user data directory. */
import { homedir } from 'node:os';
import { join } from 'node:path';

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.FLOWTRACE_DATA_DIR) return env.FLOWTRACE_DATA_DIR;
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Flowtrace', 'data');
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Flowtrace', 'data');
  return join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'flowtrace');
}
