// The settings page's form: the saved settings as the text of its inputs, and back to the edit the
// engine checks (only what changed). Numbers that do not parse are caught here with the same kind
// of message the engine gives, so a typo is named before anything is sent.
import type { EmbedderSetting, NotificationSettings, Settings, SettingsPatch } from '../../../src-shared/settings';

export interface SettingsForm {
  otlpHttpPort: string;
  otlpGrpcPort: string;
  otlpHost: string;
  /** '' keeps the saved token; the page removes it with its own button. */
  otlpToken: string;
  removeToken: boolean;
  retentionDays: string;
  retentionGb: string;
  durability: Settings['durability'];
  embedderKind: EmbedderSetting['kind'];
  embedderUrl: string;
  embedderModel: string;
  dailyBudgetUsd: string;
  theme: Settings['theme'];
  launchAtLogin: boolean;
  notifications: NotificationSettings;
}

export function formOf(settings: Settings): SettingsForm {
  return {
    otlpHttpPort: String(settings.otlpHttpPort),
    otlpGrpcPort: String(settings.otlpGrpcPort),
    otlpHost: settings.otlpHost,
    otlpToken: '',
    removeToken: false,
    retentionDays: String(settings.retentionDays),
    retentionGb: String(settings.retentionGb),
    durability: settings.durability,
    embedderKind: settings.embedder.kind,
    embedderUrl: settings.embedder.kind === 'openai' ? settings.embedder.url : '',
    embedderModel: settings.embedder.kind === 'openai' ? settings.embedder.model : '',
    dailyBudgetUsd: settings.dailyBudgetUsd === null ? '' : String(settings.dailyBudgetUsd),
    theme: settings.theme,
    launchAtLogin: settings.launchAtLogin,
    notifications: { ...settings.notifications },
  };
}

/** A number typed into a field: undefined when blank, NaN when it is not a number. */
function numberOf(text: string): number | undefined {
  const t = text.trim();
  return t === '' ? undefined : Number(t);
}

/**
 * The edit to send: only fields whose value differs from the saved one. `errors` names the fields
 * that do not parse; the engine checks the rest.
 */
export function patchOf(saved: Settings, form: SettingsForm): { patch: SettingsPatch; errors: Record<string, string> } {
  const patch: SettingsPatch = {};
  const errors: Record<string, string> = {};
  const whole = (key: 'otlpHttpPort' | 'otlpGrpcPort') => {
    const n = numberOf(form[key]);
    if (n === undefined || !Number.isInteger(n)) errors[key] = 'a port is a whole number from 1 to 65535';
    else if (n !== saved[key]) patch[key] = n;
  };
  whole('otlpHttpPort');
  whole('otlpGrpcPort');
  if (form.otlpHost.trim() !== saved.otlpHost) patch.otlpHost = form.otlpHost.trim();
  if (form.removeToken) patch.otlpToken = null;
  else if (form.otlpToken !== '') patch.otlpToken = form.otlpToken;
  const positive = (key: 'retentionDays' | 'retentionGb', what: string) => {
    const n = numberOf(form[key]);
    if (n === undefined || Number.isNaN(n)) errors[key] = `${what} is a number above 0`;
    else if (n !== saved[key]) patch[key] = n;
  };
  positive('retentionDays', 'days');
  positive('retentionGb', 'GB');
  if (form.durability !== saved.durability) patch.durability = form.durability;
  const embedder: EmbedderSetting =
    form.embedderKind === 'openai' ? { kind: 'openai', url: form.embedderUrl.trim(), model: form.embedderModel.trim() } : { kind: form.embedderKind };
  if (JSON.stringify(embedder) !== JSON.stringify(saved.embedder)) patch.embedder = embedder;
  const budget = numberOf(form.dailyBudgetUsd);
  if (budget !== undefined && Number.isNaN(budget)) errors.dailyBudgetUsd = 'a budget is an amount in USD, or blank for none';
  else if ((budget ?? null) !== saved.dailyBudgetUsd) patch.dailyBudgetUsd = budget ?? null;
  if (form.theme !== saved.theme) patch.theme = form.theme;
  if (form.launchAtLogin !== saved.launchAtLogin) patch.launchAtLogin = form.launchAtLogin;
  if (JSON.stringify(form.notifications) !== JSON.stringify(saved.notifications)) patch.notifications = { ...form.notifications };
  return { patch, errors };
}
