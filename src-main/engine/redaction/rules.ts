/**
 * The redaction rules file (`redaction.rules` in the data directory, edited on the settings page):
 * one rule a line, later lines win over earlier ones for the same detector. A file with a bad line
 * is refused whole, naming the line: half a rule set would let through what the user meant to hide.
 *
 *   # comment
 *   secrets off | on | mask | hash | drop        every built-in secret detector
 *   pii on                                       every personal-data detector (off by default)
 *   detector email hash                          one detector: on (= mask), off, or its action
 *   value drop /ACME-[0-9]{6}/i as acme-id       a regular expression over every string value
 *   key hash *.password as passwords             attribute keys (glob: * and ?, any case)
 *
 * Pure: no Node imports.
 */
import { DETECTORS, DETECTOR_IDS, type DetectorGroup } from './detectors';

export type RedactionAction = 'mask' | 'hash' | 'drop';

export interface ValueRule {
  name: string;
  /** Global. */
  pattern: RegExp;
  action: RedactionAction;
}

export interface KeyRule {
  name: string;
  glob: string;
  /** The glob as an anchored, case-insensitive expression over a whole key. */
  matcher: RegExp;
  action: RedactionAction;
}

export interface RedactionRules {
  /** Every built-in detector's action, or off. */
  detectors: Record<string, RedactionAction | 'off'>;
  values: ValueRule[];
  keys: KeyRule[];
}

export class RedactionRulesError extends Error {
  constructor(
    readonly line: number,
    readonly reason: string,
  ) {
    super(`line ${line}: ${reason}`);
    this.name = 'RedactionRulesError';
  }
}

const ACTIONS: readonly RedactionAction[] = ['mask', 'hash', 'drop'];
const SWITCHES = ['on', 'off', ...ACTIONS] as const;
type Switch = (typeof SWITCHES)[number];
const NAME_RE = /^[A-Za-z0-9_.-]{1,64}$/;
const FLAGS_RE = /^[imsu]*$/;

export const DEFAULT_RULES_TEXT = `# Redaction at ingest (docs/redaction.md): secrets are masked before anything is stored.
# One rule a line; a later line wins. Examples:
#   pii on                                 also mask emails, phone numbers, card numbers, IBANs
#   detector email hash                    keyed hash instead of a mask: equal values still match
#   value mask /ACME-[0-9]{6}/ as acme-id  your own pattern over every string value
#   key drop *password*                    drop attributes by key (glob, any case)
`;

export function defaultRules(): RedactionRules {
  const detectors: Record<string, RedactionAction | 'off'> = {};
  for (const d of DETECTORS) detectors[d.id] = d.group === 'secrets' ? 'mask' : 'off';
  return { detectors, values: [], keys: [] };
}

function actionOf(s: Switch): RedactionAction | 'off' {
  return s === 'on' ? 'mask' : s;
}

function parseSwitch(word: string | undefined, line: number, what: string): Switch {
  if (word !== undefined && (SWITCHES as readonly string[]).includes(word)) return word as Switch;
  throw new RedactionRulesError(line, `${what} takes one of ${SWITCHES.join(', ')}${word === undefined ? '' : `, not "${word}"`}`);
}

function parseAction(word: string | undefined, line: number, directive: string): RedactionAction {
  if (word !== undefined && (ACTIONS as readonly string[]).includes(word)) return word as RedactionAction;
  throw new RedactionRulesError(line, `"${directive}" needs an action first (${ACTIONS.join(', ')})${word === undefined ? '' : `, not "${word}"`}`);
}

/** `… as NAME` at the end of a rule, or the default name. */
function splitName(rest: string, line: number, fallback: string): { body: string; name: string } {
  const m = /^(.*?)\s+as\s+(\S+)\s*$/.exec(rest);
  if (!m) return { body: rest.trim(), name: fallback };
  if (!NAME_RE.test(m[2]!)) throw new RedactionRulesError(line, `the name "${m[2]}" may hold only letters, digits, _ . - (at most 64)`);
  return { body: m[1]!.trim(), name: m[2]! };
}

function parseValueRule(rest: string, line: number): ValueRule {
  const [actionWord, ...tail] = rest.split(/\s+/);
  const action = parseAction(actionWord, line, 'value');
  const { body, name } = splitName(tail.join(' '), line, `value-line-${line}`);
  const m = /^\/(.+)\/([a-z]*)$/.exec(body);
  if (!m) throw new RedactionRulesError(line, 'a value rule needs a regular expression between slashes, e.g. value mask /ACME-[0-9]{6}/i');
  if (!FLAGS_RE.test(m[2]!)) throw new RedactionRulesError(line, `regular expression flags may be i, m, s, u, not "${m[2]}"`);
  let pattern: RegExp;
  try {
    pattern = new RegExp(m[1]!, `${m[2]}g`);
  } catch (err) {
    throw new RedactionRulesError(line, `not a valid regular expression: ${(err as Error).message}`);
  }
  // An empty match would redact nothing and loop over every position of every value.
  if (pattern.test('')) throw new RedactionRulesError(line, 'the regular expression matches the empty string');
  pattern.lastIndex = 0;
  return { name, pattern, action };
}

export function globMatcher(glob: string): RegExp {
  const source = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`, 'i');
}

function parseKeyRule(rest: string, line: number): KeyRule {
  const [actionWord, ...tail] = rest.split(/\s+/);
  const action = parseAction(actionWord, line, 'key');
  const { body, name } = splitName(tail.join(' '), line, `key-line-${line}`);
  if (body === '' || /\s/.test(body)) throw new RedactionRulesError(line, 'a key rule needs one attribute key or glob, e.g. key drop *password*');
  if (/^[*?]+$/.test(body)) throw new RedactionRulesError(line, `"${body}" would match every attribute`);
  return { name, glob: body, matcher: globMatcher(body), action };
}

function setGroup(rules: RedactionRules, group: DetectorGroup, to: RedactionAction | 'off'): void {
  for (const d of DETECTORS) if (d.group === group) rules.detectors[d.id] = to;
}

/** The rules a file's text sets, on top of the defaults; throws RedactionRulesError at the first bad line. */
export function parseRedactionRules(text: string): RedactionRules {
  const rules = defaultRules();
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = i + 1;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const [directive, ...words] = trimmed.split(/\s+/);
    const rest = trimmed.slice(directive!.length).trim();
    switch (directive) {
      case 'secrets':
      case 'pii':
        if (words.length !== 1) throw new RedactionRulesError(line, `"${directive}" takes one word: ${SWITCHES.join(', ')}`);
        setGroup(rules, directive, actionOf(parseSwitch(words[0], line, directive)));
        return;
      case 'detector': {
        const [id, setting, extra] = words;
        if (id === undefined || !DETECTOR_IDS.has(id)) {
          throw new RedactionRulesError(line, `unknown detector${id === undefined ? '' : ` "${id}"`}; detectors: ${[...DETECTOR_IDS].join(', ')}`);
        }
        if (extra !== undefined) throw new RedactionRulesError(line, `"detector ${id}" takes one word after it, not "${extra}"`);
        rules.detectors[id] = actionOf(parseSwitch(setting, line, `detector ${id}`));
        return;
      }
      case 'value':
        rules.values.push(parseValueRule(rest, line));
        return;
      case 'key':
        rules.keys.push(parseKeyRule(rest, line));
        return;
      default:
        throw new RedactionRulesError(line, `unknown rule "${directive}"; a line starts with secrets, pii, detector, value, key or #`);
    }
  });
  return rules;
}

/** Whether the rules redact anything at all (all off: ingest skips redaction entirely). */
export function redactsAnything(rules: RedactionRules): boolean {
  return rules.values.length > 0 || rules.keys.length > 0 || Object.values(rules.detectors).some((a) => a !== 'off');
}
