// Attribute rows for the detail: the filter (a key or a value contains the query, any case) and
// the JSON that "copy all" puts on the clipboard (keys sorted, as the table shows them).
import type { AttributeValue, Attributes } from '../../../../src-shared/contract';
import { attributeText, sortedEntries } from '../attributes';

export type AttributeEntry = [string, AttributeValue];

export function filterEntries(entries: readonly AttributeEntry[], query: string): AttributeEntry[] {
  const q = query.trim().toLowerCase();
  if (!q) return [...entries];
  return entries.filter(([k, v]) => k.toLowerCase().includes(q) || attributeText(v).toLowerCase().includes(q));
}

export function attributesJson(attrs: Attributes): string {
  return JSON.stringify(Object.fromEntries(sortedEntries(attrs)), null, 2);
}
