/**
 * The settings page's redaction: the rules file's text and what it sets. A saved edit applies to
 * the next request received (redaction runs on the receivers' thread, ingest-redaction.ts); a bad
 * line refuses the whole edit, naming the line, and the rules in force stay.
 */
import { MAX_REDACTION_RULES_BYTES, type RedactionView } from '../../../src-shared/redaction';
import { SettingsError } from '../../../src-shared/settings';
import { DETECTORS } from './detectors';
import { IngestRedaction } from './ingest-redaction';
import { readRedactionRules, redactionKey, writeRedactionRules } from './redaction-files';
import { RedactionRulesError, type RedactionRules } from './rules';

export class RedactionService {
  private text: string;
  private rules: RedactionRules;
  /** null: `--no-redaction`, requests are stored as they came. */
  readonly ingest: IngestRedaction | null;

  /** Throws when the saved file has a bad line: starting without the user's rules would store what they hide. */
  constructor(
    private readonly dataDir: string,
    off: boolean,
  ) {
    const saved = readRedactionRules(dataDir);
    this.text = saved.text;
    this.rules = saved.rules;
    this.ingest = off ? null : new IngestRedaction(saved.rules, redactionKey(dataDir));
  }

  view(): RedactionView {
    return {
      rules: this.text,
      detectors: DETECTORS.map((d) => ({ id: d.id, group: d.group, label: d.label, action: this.rules.detectors[d.id] ?? 'off' })),
      valueRules: this.rules.values.length,
      keyRules: this.rules.keys.length,
      offForThisRun: this.ingest === null,
    };
  }

  update(text: unknown): RedactionView {
    if (typeof text !== 'string') throw new SettingsError({ rules: 'the rules are text: one rule a line' });
    if (Buffer.byteLength(text) > MAX_REDACTION_RULES_BYTES) throw new SettingsError({ rules: `at most ${MAX_REDACTION_RULES_BYTES / 1024} KiB of rules` });
    let rules: RedactionRules;
    try {
      rules = writeRedactionRules(this.dataDir, text);
    } catch (err) {
      if (err instanceof RedactionRulesError) throw new SettingsError({ rules: err.message });
      throw err;
    }
    this.text = text;
    this.rules = rules;
    this.ingest?.setRules(rules);
    return this.view();
  }
}
