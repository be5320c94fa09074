/**
 * The user's settings: what they are, their defaults, which apply at once and which at the next
 * start, and the check of an edit, field by field, with a message a person can act on. Shared so
 * the settings page says the same as the engine that enforces it.
 */
import { isLoopbackAddress } from './loopback';

export type ThemeSetting = 'system' | 'light' | 'dark';
export type DurabilitySetting = 'normal' | 'full';
export type EmbedderSetting = { kind: 'local' } | { kind: 'openai'; url: string; model: string } | { kind: 'off' };

/** Notifications the desktop app may raise; each can be turned off. */
export interface NotificationSettings {
  /** A burst of agent errors. */
  errorBurst: boolean;
  /** The day's cost crossing the daily budget. */
  budget: boolean;
  /** Storage nearly full. */
  storage: boolean;
  /** A damaged store moved aside. */
  quarantine: boolean;
}

export interface Settings {
  otlpHttpPort: number;
  otlpGrpcPort: number;
  /** Address both OTLP receivers bind; anything but loopback needs a token. */
  otlpHost: string;
  retentionDays: number;
  retentionGb: number;
  durability: DurabilitySetting;
  embedder: EmbedderSetting;
  /** USD per day; null: no budget. */
  dailyBudgetUsd: number | null;
  theme: ThemeSetting;
  launchAtLogin: boolean;
  notifications: NotificationSettings;
}

export type SettingKey = keyof Settings;

/**
 * An edit: any subset of the settings, and the OTLP token, which is written but never read back
 * (a string sets it, null removes it).
 */
export type SettingsPatch = Partial<Settings> & { otlpToken?: string | null };

/** What GET and PUT /api/v1/settings answer. */
export interface SettingsView {
  settings: Settings;
  /** Whether an OTLP token is saved (the token itself is never sent back). */
  otlpTokenSet: boolean;
  /** Saved, but in effect only after a restart. */
  restartNeeded: Array<SettingKey | 'otlpToken'>;
  /** Set for this run by a command-line flag or environment variable, which wins over the saved value. */
  overridden: Array<SettingKey | 'otlpToken'>;
}

export const DEFAULT_SETTINGS: Settings = {
  otlpHttpPort: 4318,
  otlpGrpcPort: 4317,
  otlpHost: '127.0.0.1',
  retentionDays: 30,
  retentionGb: 10,
  durability: 'normal',
  embedder: { kind: 'local' },
  dailyBudgetUsd: null,
  theme: 'system',
  launchAtLogin: false,
  notifications: { errorBurst: true, budget: true, storage: true, quarantine: true },
};

/** Applied the moment they are saved (receivers rebind, retention runs, the shells re-read the rest). */
export const LIVE_SETTINGS: ReadonlySet<SettingKey | 'otlpToken'> = new Set<SettingKey | 'otlpToken'>([
  'otlpHttpPort',
  'otlpGrpcPort',
  'retentionDays',
  'retentionGb',
  'dailyBudgetUsd',
  'theme',
  'launchAtLogin',
  'notifications',
]);

export const MIN_TOKEN_LENGTH = 16;
const NOTIFICATION_KINDS: ReadonlyArray<keyof NotificationSettings> = ['errorBurst', 'budget', 'storage', 'quarantine'];

/** A refused edit: one message per field that is wrong, so the page can put each beside its field. */
export class SettingsError extends Error {
  constructor(readonly fields: Record<string, string>) {
    super(Object.entries(fields).map(([k, m]) => `${k}: ${m}`).join('; '));
  }
}

const FIELDS_MARK = 'flowtrace-settings-fields:';

/** Electron's IPC hands the page only an error's message, so a refusal's fields travel inside it. */
export function settingsErrorAsMessage(err: SettingsError): string {
  return `${FIELDS_MARK}${JSON.stringify(err.fields)}`;
}

/** The SettingsError inside an IPC error's message ("Error invoking remote method …: Error: …"), if any. */
export function settingsErrorInMessage(message: string): SettingsError | null {
  const at = message.indexOf(FIELDS_MARK);
  if (at < 0) return null;
  try {
    const fields = JSON.parse(message.slice(at + FIELDS_MARK.length)) as unknown;
    if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) return null;
    return new SettingsError(Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, String(v)])));
  } catch {
    return null;
  }
}

/**
 * The settings after the edit, or SettingsError naming every wrong field. `tokenSet`: whether a
 * token is saved already (a non-loopback host needs one, saved or in this edit).
 */
export function applySettingsPatch(current: Settings, patch: unknown, tokenSet: boolean): { settings: Settings; token?: string | null } {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) throw new SettingsError({ settings: 'send an object of the settings to change' });
  const input = patch as Record<string, unknown>;
  const errors: Record<string, string> = {};
  const next: Settings = { ...current, notifications: { ...current.notifications } };
  const known = new Set<string>([...Object.keys(DEFAULT_SETTINGS), 'otlpToken']);
  for (const key of Object.keys(input)) if (!known.has(key)) errors[key] = 'no such setting';

  const port = (key: 'otlpHttpPort' | 'otlpGrpcPort') => {
    if (!(key in input)) return;
    const v = input[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 65_535) errors[key] = 'a port is a whole number from 1 to 65535';
    else next[key] = v;
  };
  port('otlpHttpPort');
  port('otlpGrpcPort');
  if (!errors.otlpHttpPort && !errors.otlpGrpcPort && next.otlpHttpPort === next.otlpGrpcPort) {
    errors[('otlpGrpcPort' in input ? 'otlpGrpcPort' : 'otlpHttpPort')] = 'the two receivers need different ports';
  }
  if ('otlpHost' in input) {
    const v = input.otlpHost;
    if (typeof v !== 'string' || !/^(localhost|[0-9a-fA-F:.]+)$/.test(v.trim()) || v.trim() === '') errors.otlpHost = 'an IP address such as 127.0.0.1, 0.0.0.0 or ::1, or localhost';
    else next.otlpHost = v.trim();
  }
  let token: string | null | undefined;
  if ('otlpToken' in input) {
    const v = input.otlpToken;
    if (v === null) token = null;
    else if (typeof v !== 'string' || v.length < MIN_TOKEN_LENGTH || /\s/.test(v)) errors.otlpToken = `a token is at least ${MIN_TOKEN_LENGTH} characters without spaces (or null to remove it)`;
    else token = v;
  }
  const willHaveToken = token === undefined ? tokenSet : token !== null;
  if (!errors.otlpHost && !isLoopbackAddress(next.otlpHost) && !willHaveToken) {
    errors.otlpHost = `${next.otlpHost} lets the network reach the receivers: set an OTLP token first`;
  }
  const positive = (key: 'retentionDays' | 'retentionGb', max: number, what: string) => {
    if (!(key in input)) return;
    const v = input[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || v > max) errors[key] = `${what} is a number above 0, at most ${max}`;
    else next[key] = v;
  };
  positive('retentionDays', 36_500, 'days');
  positive('retentionGb', 100_000, 'GB');
  if ('durability' in input) {
    const v = input.durability;
    if (v !== 'normal' && v !== 'full') errors.durability = 'normal or full';
    else next.durability = v;
  }
  if ('embedder' in input) {
    const v = input.embedder as Record<string, unknown> | null;
    if (typeof v !== 'object' || v === null) errors.embedder = '{"kind": "local"}, {"kind": "off"} or {"kind": "openai", "url", "model"}';
    else if (v.kind === 'local' || v.kind === 'off') next.embedder = { kind: v.kind };
    else if (v.kind === 'openai') {
      if (typeof v.url !== 'string' || !/^https?:\/\/[^\s/]+(\/\S*)?$/.test(v.url)) errors.embedder = 'an OpenAI-compatible embedder needs its URL, http(s)://host:port';
      else if (typeof v.model !== 'string' || v.model.trim() === '') errors.embedder = 'an OpenAI-compatible embedder needs a model name';
      else next.embedder = { kind: 'openai', url: v.url, model: v.model.trim() };
    } else errors.embedder = 'kind is local, openai or off';
  }
  if ('dailyBudgetUsd' in input) {
    const v = input.dailyBudgetUsd;
    if (v === null) next.dailyBudgetUsd = null;
    else if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) errors.dailyBudgetUsd = 'a budget is an amount in USD above 0, or null for none';
    else next.dailyBudgetUsd = v;
  }
  if ('theme' in input) {
    const v = input.theme;
    if (v !== 'system' && v !== 'light' && v !== 'dark') errors.theme = 'system, light or dark';
    else next.theme = v;
  }
  if ('launchAtLogin' in input) {
    if (typeof input.launchAtLogin !== 'boolean') errors.launchAtLogin = 'true or false';
    else next.launchAtLogin = input.launchAtLogin;
  }
  if ('notifications' in input) {
    const v = input.notifications as Record<string, unknown> | null;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) errors.notifications = `an object of ${NOTIFICATION_KINDS.join(', ')}: true or false`;
    else {
      for (const [k, on] of Object.entries(v)) {
        if (!(NOTIFICATION_KINDS as readonly string[]).includes(k)) errors[`notifications.${k}`] = 'no such notification';
        else if (typeof on !== 'boolean') errors[`notifications.${k}`] = 'true or false';
        else next.notifications[k as keyof NotificationSettings] = on;
      }
    }
  }
  if (Object.keys(errors).length > 0) throw new SettingsError(errors);
  return token === undefined ? { settings: next } : { settings: next, token };
}

/**
 * Saved settings read back: every field checked on its own, so one hand-edited mistake costs that
 * field (back to its default, named in `dropped`), not the file.
 */
export function readSavedSettings(value: unknown): { settings: Settings; token: string | null; dropped: string[] } {
  const obj = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  let settings = DEFAULT_SETTINGS;
  const dropped: string[] = [];
  for (const [key, v] of Object.entries(obj)) {
    if (key === 'otlpToken') continue;
    try {
      settings = applySettingsPatch(settings, { [key]: v }, true).settings;
    } catch {
      dropped.push(key);
    }
  }
  const token = typeof obj.otlpToken === 'string' && obj.otlpToken.length >= MIN_TOKEN_LENGTH ? obj.otlpToken : null;
  if (!isLoopbackAddress(settings.otlpHost) && token === null) {
    settings = { ...settings, otlpHost: DEFAULT_SETTINGS.otlpHost };
    dropped.push('otlpHost');
  }
  return { settings, token, dropped };
}
