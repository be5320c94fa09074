/**
 * The settings page's engine side: reads what is saved, checks an edit field by field, applies at
 * once what can be applied (the receivers rebind, retention runs with its new limits), saves, and
 * says which saved values wait for a restart and which a flag overrides for this run.
 */
import {
  applySettingsPatch,
  SettingsError,
  type SettingKey,
  type Settings,
  type SettingsView,
} from '../../../src-shared/settings';
import type { ReceiverKind } from '../../../src-shared/contract';
import { tokenMatches } from '../receiver/access';
import { retentionOf, type RetentionSettings } from '../store/retention';
import { readSettingsFile, writeSettingsFile } from './settings-file';

/** What this run actually uses, to tell which saved values are not in effect yet. */
export interface RunningSettings {
  otlpHost: string;
  durability: Settings['durability'];
  embedder: Settings['embedder'];
  token: string | null;
}

export interface SettingsAppliers {
  /** Binds the receiver on the port; rejects (it stays where it was) when it cannot. */
  moveReceiver(kind: ReceiverKind, port: number): Promise<void>;
  setRetention(retention: RetentionSettings): Promise<void>;
}

export class SettingsService {
  private saved: Settings;
  private token: string | null;
  /** Edits one after another: each reads what the previous saved. */
  private queue: Promise<unknown> = Promise.resolve();
  private readonly listeners = new Set<(view: SettingsView) => void>();

  constructor(
    private readonly dataDir: string,
    private readonly running: RunningSettings,
    private readonly overridden: ReadonlyArray<SettingKey | 'otlpToken'>,
    private readonly appliers: SettingsAppliers,
    log: (line: string) => void,
  ) {
    const file = readSettingsFile(dataDir);
    if (file.unreadable) log(`settings: ${file.unreadable}; using the defaults until they are saved again`);
    if (file.dropped.length > 0) log(`settings: ignored invalid ${file.dropped.join(', ')} in settings.json (defaults used)`);
    this.saved = file.settings;
    this.token = file.token;
  }

  view(): SettingsView {
    const restartNeeded: SettingsView['restartNeeded'] = [];
    const differs = (key: 'otlpHost' | 'durability' | 'embedder') => JSON.stringify(this.saved[key]) !== JSON.stringify(this.running[key]);
    for (const key of ['otlpHost', 'durability', 'embedder'] as const) if (differs(key) && !this.overridden.includes(key)) restartNeeded.push(key);
    if (this.token !== this.running.token && !this.overridden.includes('otlpToken')) restartNeeded.push('otlpToken');
    return { settings: structuredClone(this.saved), otlpTokenSet: this.token !== null, restartNeeded, overridden: [...this.overridden] };
  }

  /** Whether an OTLP token is saved or in use: changing what leaves the machine (forwarding) needs it. */
  tokenIsSet(): boolean {
    return this.token !== null || this.running.token !== null;
  }

  /** The saved token, or the one this run uses, in constant time. */
  tokenMatches(candidate: string): boolean {
    return [this.token, this.running.token].some((t) => t !== null && tokenMatches(candidate, t));
  }

  /** Called after every saved edit (a shell applies what is its own: launch at login, notifications). */
  onChange(listener: (view: SettingsView) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  update(patch: unknown): Promise<SettingsView> {
    const run = this.queue.then(() => this.apply(patch));
    this.queue = run.catch(() => {});
    return run;
  }

  private async apply(patch: unknown): Promise<SettingsView> {
    const { settings, token } = applySettingsPatch(this.saved, patch, this.token !== null);
    const changed = (Object.keys(settings) as SettingKey[]).filter((k) => JSON.stringify(settings[k]) !== JSON.stringify(this.saved[k]));
    // Live ones first: a port that cannot be bound refuses the whole edit, and nothing is saved.
    for (const [key, kind] of [['otlpHttpPort', 'otlp-http'], ['otlpGrpcPort', 'otlp-grpc']] as const) {
      if (!changed.includes(key)) continue;
      try {
        await this.appliers.moveReceiver(kind, settings[key]);
      } catch (err) {
        throw new SettingsError({ [key]: (err as Error).message });
      }
    }
    if (changed.includes('retentionDays') || changed.includes('retentionGb')) await this.appliers.setRetention(retentionOf(settings));
    const nextToken = token === undefined ? this.token : token;
    writeSettingsFile(this.dataDir, settings, nextToken);
    this.saved = settings;
    this.token = nextToken;
    const view = this.view();
    for (const listener of this.listeners) listener(view);
    return view;
  }
}
