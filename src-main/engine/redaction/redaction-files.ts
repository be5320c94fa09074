/**
 * Redaction's two files in the data directory: `redaction.rules` (rules.ts; absent means the
 * defaults) and `redaction.key`, the hash action's key, made once per data directory and readable
 * by its owner only, so a hashed value cannot be tested against a guess by anyone without it.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_RULES_TEXT, parseRedactionRules, RedactionRulesError, type RedactionRules } from './rules';

export const REDACTION_RULES_FILE = 'redaction.rules';
export const REDACTION_KEY_FILE = 'redaction.key';
const KEY_BYTES = 32;

/** The saved rules and their text; a bad file throws, naming the file and the line. */
export function readRedactionRules(dataDir: string): { text: string; rules: RedactionRules } {
  const file = join(dataDir, REDACTION_RULES_FILE);
  if (!existsSync(file)) return { text: DEFAULT_RULES_TEXT, rules: parseRedactionRules('') };
  const text = readFileSync(file, 'utf8');
  try {
    return { text, rules: parseRedactionRules(text) };
  } catch (err) {
    if (err instanceof RedactionRulesError) throw new Error(`${file} ${err.message}: fix or remove the line (no span is stored unredacted meanwhile)`, { cause: err });
    throw err;
  }
}

/** Checks, then saves through a temporary file: a crash leaves the old rules or the new ones. */
export function writeRedactionRules(dataDir: string, text: string): RedactionRules {
  const rules = parseRedactionRules(text);
  const file = join(dataDir, REDACTION_RULES_FILE);
  writeFileSync(`${file}.tmp`, text, { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
  return rules;
}

export function redactionKey(dataDir: string): Buffer {
  const file = join(dataDir, REDACTION_KEY_FILE);
  if (existsSync(file)) {
    const key = readFileSync(file);
    if (key.length >= KEY_BYTES) return key;
  }
  const key = randomBytes(KEY_BYTES);
  writeFileSync(`${file}.tmp`, key, { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
  return key;
}
