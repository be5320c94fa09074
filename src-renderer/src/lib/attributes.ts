// How attribute values read as text. Values are attacker-controlled: they only ever become text
// nodes, never markup.
import type { AttributeValue, Attributes } from '../../../src-shared/contract';

export function attributeText(value: AttributeValue | undefined): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** Entries sorted by key, so the same span always reads the same way. */
export function sortedEntries(attrs: Attributes): [string, AttributeValue][] {
  return Object.entries(attrs).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

export function serviceName(attrs: Attributes): string {
  const v = attrs['service.name'];
  return typeof v === 'string' ? v : '';
}
