/**
 * The built-in detectors of redaction at ingest (docs/redaction.md): secrets, on by default, and
 * personal data, off by default. Each is a pattern over one string value plus, where a pattern
 * alone would also match ordinary text, a check of the match (Luhn for cards, mod 97 for IBANs).
 * Patterns are anchored on what makes the secret recognisable (a vendor prefix, a PEM header), so
 * prose is left alone; `secret` is the part of a match replaced (the token after `Bearer `, the
 * password in a URL), the whole match when absent.
 * Pure: no Node imports.
 */

export type DetectorGroup = 'secrets' | 'pii';

export interface Detector {
  id: string;
  group: DetectorGroup;
  /** What it finds, for the docs and the settings page. */
  label: string;
  /** Global, so every occurrence in a value is found. */
  pattern: RegExp;
  /**
   * Found somewhere in a raw request body (protobuf bytes or JSON text, read as latin-1) whenever
   * `pattern` matches one of its strings: no word boundaries, since a protobuf length byte may be a
   * letter. A body where no anchor is found is stored as it came, without being decoded. Without
   * flags: the enabled detectors' anchors are searched as one expression.
   */
  anchor: RegExp;
  /** The capture group that is the secret (the rest of the match stays); whole match when absent. */
  secret?: number;
  /** A match is redacted only when this holds (checksums): fewer false positives on numbers. */
  valid?: (match: string) => boolean;
}

function digitsOf(s: string): string {
  return s.replace(/[^0-9]/g, '');
}

/** The Luhn checksum every payment card number carries. */
export function luhnValid(candidate: string): boolean {
  const d = digitsOf(candidate);
  if (d.length < 13 || d.length > 19) return false;
  let sum = 0;
  for (let i = 0; i < d.length; i++) {
    let n = d.charCodeAt(d.length - 1 - i) - 48;
    if (i % 2 === 1) {
      n *= 2;
      if (n > 9) n -= 9;
    }
    sum += n;
  }
  return sum % 10 === 0;
}

/** ISO 13616: the country code and check digits moved to the end, letters as 10..35, mod 97 = 1. */
export function ibanValid(candidate: string): boolean {
  const s = candidate.replace(/\s+/g, '').toUpperCase();
  if (s.length < 15 || s.length > 34 || !/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(s)) return false;
  const moved = s.slice(4) + s.slice(0, 4);
  let rest = 0;
  for (const ch of moved) {
    const code = ch.charCodeAt(0);
    const v = code >= 65 ? String(code - 55) : ch;
    for (const digit of v) rest = (rest * 10 + (digit.charCodeAt(0) - 48)) % 97;
  }
  return rest === 1;
}

/** Digits in a phone number: fewer is a year or a count, more is an id. */
function phoneValid(candidate: string): boolean {
  const n = digitsOf(candidate).length;
  return n >= 10 && n <= 15;
}

export const DETECTORS: readonly Detector[] = [
  // Anthropic before OpenAI: both start with "sk-".
  { id: 'anthropic-key', group: 'secrets', label: 'Anthropic API keys (sk-ant-…)', pattern: /\bsk-ant-[A-Za-z0-9_-]{20,}/g, anchor: /sk-ant-[A-Za-z0-9_-]{20}/ },
  { id: 'openai-key', group: 'secrets', label: 'OpenAI API keys (sk-…, sk-proj-…)', pattern: /\bsk-(?!ant-)(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}/g, anchor: /sk-[A-Za-z0-9_-]{20}/ },
  { id: 'aws-access-key', group: 'secrets', label: 'AWS access key ids (AKIA…, ASIA…)', pattern: /\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b/g, anchor: /(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}/ },
  {
    id: 'aws-secret-key',
    group: 'secrets',
    label: 'AWS secret access keys named as such (aws_secret_access_key=…)',
    pattern: /\baws_?secret_?access_?key["']?\s*[:=]\s*["']?([A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])/gi,
    anchor: /[Ss]ecret_?[Aa]ccess_?[Kk]ey|SECRET_?ACCESS_?KEY/,
    secret: 1,
  },
  { id: 'github-token', group: 'secrets', label: 'GitHub tokens (ghp_…, gho_…, github_pat_…)', pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b/g, anchor: /gh[pousr]_[A-Za-z0-9]{36}|github_pat_/ },
  { id: 'google-api-key', group: 'secrets', label: 'Google API keys (AIza…)', pattern: /\bAIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/g, anchor: /AIza[0-9A-Za-z_-]{35}/ },
  {
    id: 'slack-token',
    group: 'secrets',
    label: 'Slack tokens and webhook URLs (xoxb-…, hooks.slack.com/services/…)',
    pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}|https:\/\/hooks\.slack\.com\/services\/[A-Za-z0-9/_-]{20,}/g,
    anchor: /xox[abposr]-|hooks\.slack\.com/,
  },
  { id: 'jwt', group: 'secrets', label: 'JSON Web Tokens (eyJ….eyJ….…)', pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, anchor: /eyJ[A-Za-z0-9_-]{8,}\.eyJ/ },
  // After the JWT: a bearer JWT is reported as a JWT.
  { id: 'bearer-token', group: 'secrets', label: 'Bearer tokens (Authorization: Bearer …)', pattern: /\b[Bb]earer\s+([A-Za-z0-9._~+/-]{16,}=*)/g, anchor: /[Bb]earer\s/, secret: 1 },
  {
    id: 'private-key',
    group: 'secrets',
    label: 'Private key blocks (-----BEGIN … PRIVATE KEY-----)',
    // To the END line, or to the end of the value when it was cut.
    pattern: /-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----|$)/g,
    anchor: /PRIVATE KEY/,
  },
  { id: 'url-password', group: 'secrets', label: 'Passwords in URLs (scheme://user:password@host)', pattern: /\b[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^\s:/@]+:([^\s@/]+)@/g, anchor: /:\/\/[^\s:/@]+:[^\s@/]+@/, secret: 1 },
  // Cards and IBANs before phone numbers: their digits would read as one.
  { id: 'email', group: 'pii', label: 'Email addresses', pattern: /\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b/g, anchor: /@[A-Za-z0-9-]+\./ },
  { id: 'card', group: 'pii', label: 'Payment card numbers (Luhn-checked)', pattern: /(?<!\d)\d(?:[ -]?\d){12,18}(?!\d)/g, anchor: /\d(?:[ -]?\d){12}/, valid: luhnValid },
  { id: 'iban', group: 'pii', label: 'IBANs (mod-97-checked)', pattern: /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b/g, anchor: /[A-Z]{2}\d{2} ?[A-Z0-9]{4}/, valid: ibanValid },
  { id: 'phone', group: 'pii', label: 'Phone numbers (10 to 15 digits)', pattern: /(?<![\w+])\+?\(?\d[\d\s().-]{8,18}\d(?!\w)/g, anchor: /\d[\d\s().-]{8,18}\d/, valid: phoneValid },
];

export const DETECTOR_IDS: ReadonlySet<string> = new Set(DETECTORS.map((d) => d.id));
