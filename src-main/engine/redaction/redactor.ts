/**
 * Applies the redaction rules (rules.ts) to decoded telemetry, in place: every string a span, a log
 * record or a metric point carries (names, status messages, attribute values at any depth, event
 * and link attributes, log bodies, resource and scope attributes). What is found is replaced by
 * `[redacted:RULE]` (mask), `[redacted:RULE:HMAC]` (hash: keyed with the data directory's own key,
 * so equal values still match each other and nobody without the key can test a guess), or removed
 * with its attribute (drop; a dropped name, message or body reads `[dropped:RULE]`). Each item that
 * lost something says so in two attributes: how many redactions and by which rules.
 */
import { createHmac } from 'node:crypto';
import type { AttributeValue, Attributes, LogRecordView, MetricPointView, ResourceInfo, ScopeInfo, SpanRecord } from '../../../src-shared/contract';
import { DETECTORS, type Detector } from './detectors';
import type { KeyRule, RedactionAction, RedactionRules } from './rules';

export const REDACTED_COUNT_KEY = 'flowtrace.redacted.count';
export const REDACTED_RULES_KEY = 'flowtrace.redacted.rules';

/** What one item (span, log record, metric point) lost. */
class Tally {
  count = 0;
  readonly rules = new Set<string>();
  /** The rule that dropped the value last, for the `[dropped:RULE]` text. */
  dropBy = '';

  hit(rule: string): void {
    this.count++;
    this.rules.add(rule);
  }

  addAll(other: Tally): void {
    this.count += other.count;
    for (const r of other.rules) this.rules.add(r);
  }

  /** The two attributes an item that lost something carries. */
  stamp(attributes: Attributes): void {
    if (this.count === 0) return;
    attributes[REDACTED_COUNT_KEY] = this.count;
    attributes[REDACTED_RULES_KEY] = [...this.rules].sort();
  }
}

const DROP = Symbol('drop');
type Walked = AttributeValue | typeof DROP;

interface ActiveDetector {
  detector: Detector;
  action: RedactionAction;
}

export class Redactor {
  private readonly detectors: ActiveDetector[];

  constructor(
    private readonly rules: RedactionRules,
    private readonly hashKey: Uint8Array,
  ) {
    this.detectors = DETECTORS.flatMap((detector) => {
      const action = rules.detectors[detector.id];
      return action === undefined || action === 'off' ? [] : [{ detector, action }];
    });
  }

  /** Spans in place; how many were changed. */
  redactSpans(spans: readonly SpanRecord[]): number {
    return this.each(spans, (span, t) => {
      span.name = this.text(span.name, t);
      span.status.message = this.text(span.status.message, t);
      span.attributes = this.attributes(span.attributes, t);
      for (const ev of span.events) {
        ev.name = this.text(ev.name, t);
        ev.attributes = this.attributes(ev.attributes, t);
      }
      for (const link of span.links) link.attributes = this.attributes(link.attributes, t);
    });
  }

  /** Log records in place; how many were changed. */
  redactLogs(records: readonly LogRecordView[]): number {
    return this.each(records, (r, t) => {
      const body = this.value(r.body, t);
      r.body = body === DROP ? `[dropped:${t.dropBy}]` : body;
      r.severityText = this.text(r.severityText, t);
      r.eventName = this.text(r.eventName, t);
      r.attributes = this.attributes(r.attributes, t);
    });
  }

  /** Metric points in place; how many were changed. */
  redactPoints(points: readonly MetricPointView[]): number {
    return this.each(points, (p, t) => {
      p.description = this.text(p.description, t);
      p.metadata = this.attributes(p.metadata, t);
      p.attributes = this.attributes(p.attributes, t);
      for (const ex of p.exemplars) ex.filteredAttributes = this.attributes(ex.filteredAttributes, t);
    });
  }

  /** Each item redacted by `redact`, then its resource's and scope's tally added and the total stamped on it. */
  private each<T extends { resource: ResourceInfo; scope: ScopeInfo; attributes: Attributes }>(items: readonly T[], redact: (item: T, t: Tally) => void): number {
    const shared = new Map<object, Tally>();
    let changed = 0;
    for (const item of items) {
      const t = new Tally();
      redact(item, t);
      t.addAll(this.resourceAndScope(item.resource, item.scope, shared));
      if (t.count > 0) changed++;
      t.stamp(item.attributes);
    }
    return changed;
  }

  /** A resource and a scope are shared by many items: redacted once, their tally counted on each item. */
  private resourceAndScope(resource: ResourceInfo, scope: ScopeInfo, shared: Map<object, Tally>): Tally {
    const total = new Tally();
    const once = (holder: object, redact: (t: Tally) => void) => {
      let t = shared.get(holder);
      if (t === undefined) {
        t = new Tally();
        redact(t);
        shared.set(holder, t);
      }
      total.addAll(t);
    };
    once(resource, (t) => (resource.attributes = this.attributes(resource.attributes, t)));
    once(scope, (t) => {
      scope.name = this.text(scope.name, t);
      scope.attributes = this.attributes(scope.attributes, t);
    });
    return total;
  }

  /** A string that is not an attribute: a drop empties it to a marker. */
  private text(s: string, t: Tally): string {
    if (s === '') return s;
    const out = this.string(s, t);
    return out === DROP ? `[dropped:${t.dropBy}]` : out;
  }

  private attributes(attrs: Attributes, t: Tally): Attributes {
    let out: Attributes | null = null;
    for (const key in attrs) {
      const value = attrs[key]!;
      const walked = this.keyed(key, value, t);
      if (walked === value) continue;
      out ??= { ...attrs };
      if (walked === DROP) delete out[key];
      else out[key] = walked;
    }
    return out ?? attrs;
  }

  /** A value under a key: a key rule decides the whole value; else its strings are searched. */
  private keyed(key: string, value: AttributeValue, t: Tally): Walked {
    const rule = this.keyRuleFor(key);
    if (rule === undefined) return this.value(value, t);
    t.hit(rule.name);
    if (rule.action === 'drop') {
      t.dropBy = rule.name;
      return DROP;
    }
    return this.marker(rule.name, rule.action, JSON.stringify(value));
  }

  /** A later line wins, as for detectors. */
  private keyRuleFor(key: string): KeyRule | undefined {
    for (let i = this.rules.keys.length - 1; i >= 0; i--) if (this.rules.keys[i]!.matcher.test(key)) return this.rules.keys[i];
    return undefined;
  }

  private value(v: AttributeValue, t: Tally): Walked {
    if (typeof v === 'string') return this.string(v, t);
    if (v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) {
      let out: AttributeValue[] | null = null;
      for (let i = 0; i < v.length; i++) {
        const w = this.value(v[i]!, t);
        if (w === DROP) return DROP;
        if (w !== v[i]) (out ??= [...v])[i] = w;
      }
      return out ?? v;
    }
    let out: { [key: string]: AttributeValue } | null = null;
    for (const key in v) {
      const w = this.keyed(key, v[key]!, t);
      if (w === DROP) return DROP;
      if (w !== v[key]) (out ??= { ...v })[key] = w;
    }
    return out ?? v;
  }

  /** Every detector, then every value rule, over one string. */
  private string(s: string, t: Tally): string | typeof DROP {
    let out = s;
    for (const { detector, action } of this.detectors) {
      const r = this.replace(out, detector.pattern, detector.id, action, t, detector.secret, detector.valid);
      if (r === DROP) return DROP;
      out = r;
    }
    for (const rule of this.rules.values) {
      const r = this.replace(out, rule.pattern, rule.name, rule.action, t);
      if (r === DROP) return DROP;
      out = r;
    }
    return out;
  }

  private replace(
    s: string,
    pattern: RegExp,
    name: string,
    action: RedactionAction,
    t: Tally,
    secretGroup?: number,
    valid?: (match: string) => boolean,
  ): string | typeof DROP {
    pattern.lastIndex = 0;
    if (!pattern.test(s)) return s;
    pattern.lastIndex = 0;
    let dropped = false;
    const out = s.replace(pattern, (match: string, ...groups: unknown[]) => {
      if (valid && !valid(match)) return match;
      t.hit(name);
      if (action === 'drop') {
        dropped = true;
        t.dropBy = name;
        return match;
      }
      const secret = secretGroup === undefined ? match : (groups[secretGroup - 1] as string | undefined);
      if (secret === undefined || secret === '') return this.marker(name, action, match);
      // The secret is the last part of these matches (the token after "Bearer ", the password before "@").
      const at = match.lastIndexOf(secret);
      return match.slice(0, at) + this.marker(name, action, secret) + match.slice(at + secret.length);
    });
    return dropped ? DROP : out;
  }

  private marker(name: string, action: Exclude<RedactionAction, 'drop'>, secret: string): string {
    if (action === 'mask') return `[redacted:${name}]`;
    return `[redacted:${name}:${createHmac('sha256', this.hashKey).update(secret).digest('hex').slice(0, 12)}]`;
  }
}
