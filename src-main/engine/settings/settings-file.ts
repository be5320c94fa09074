/**
 * The settings file, `settings.json` in the data directory: what the settings page saved. Written
 * whole to a temporary file and renamed over the old one, so a crash mid-write leaves the old file
 * or the new one, never half of each; readable by this user only, since it may hold the OTLP token.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readSavedSettings, type Settings } from '../../../src-shared/settings';

export const SETTINGS_FILE = 'settings.json';

export interface SavedSettings {
  settings: Settings;
  token: string | null;
  /** Fields of the file that were not valid and fell back to their defaults. */
  dropped: string[];
  /** Why the file could not be read at all (then every field is its default). */
  unreadable?: string;
}

export function readSettingsFile(dataDir: string): SavedSettings {
  let text: string;
  try {
    text = readFileSync(join(dataDir, SETTINGS_FILE), 'utf8');
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    return { ...readSavedSettings({}), ...(missing ? {} : { unreadable: (err as Error).message }) };
  }
  try {
    return readSavedSettings(JSON.parse(text) as unknown);
  } catch (err) {
    return { ...readSavedSettings({}), unreadable: `${SETTINGS_FILE} is not JSON: ${(err as Error).message}` };
  }
}

export function writeSettingsFile(dataDir: string, settings: Settings, token: string | null): void {
  const path = join(dataDir, SETTINGS_FILE);
  const temp = `${path}.${process.pid}.tmp`;
  const body = JSON.stringify(token === null ? settings : { ...settings, otlpToken: token }, null, 2);
  writeFileSync(temp, `${body}\n`, { mode: 0o600 });
  renameSync(temp, path);
}
