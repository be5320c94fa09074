/**
 * What GET and PUT /api/v1/settings/redaction answer: the rules file as text, and what it sets.
 * Pure TypeScript: no Node, no DOM.
 */

export type RedactionActionName = 'mask' | 'hash' | 'drop';

export interface RedactionDetectorView {
  id: string;
  group: 'secrets' | 'pii';
  label: string;
  /** What the saved rules do with what it finds. */
  action: RedactionActionName | 'off';
}

export interface RedactionView {
  /** `redaction.rules` as saved (the defaults' commented example while there is none). */
  rules: string;
  detectors: RedactionDetectorView[];
  /** Your own rules in the file: patterns over values, globs over attribute keys. */
  valueRules: number;
  keyRules: number;
  /** `--no-redaction`: this run stores what it receives as it came; the saved rules wait. */
  offForThisRun: boolean;
}

/** The rules file's largest size: a few hundred rules, not a data file. */
export const MAX_REDACTION_RULES_BYTES = 64 * 1024;
