// Pure state of the Memory page's lists, tested without React: a collection's items (newest first,
// paged by cursor) and the last recall. Each is keyed (by collection, by collection + query), so an
// answer that arrives after the user moved on is dropped rather than shown under the wrong heading.
import type { MemoryCollectionInfo, MemoryItem, RecalledItem } from '../../../../src-shared/contract';

export const ITEMS_PAGE = 50;

export interface ItemsState {
  /** The collection the items below belong to. */
  collection: string;
  items: MemoryItem[];
  nextCursor: string | null;
  /** True once a first page arrived for `collection`. */
  loaded: boolean;
  loadingMore: boolean;
  error: string | null;
}

export const noItems: ItemsState = { collection: '', items: [], nextCursor: null, loaded: false, loadingMore: false, error: null };

/** A first page replaces the list; a further page (`append`) adds the items not shown yet. */
export function applyItemsPage(state: ItemsState, collection: string, page: { items: MemoryItem[]; nextCursor: string | null }, append: boolean): ItemsState {
  if (append && state.collection !== collection) return state;
  if (!append) return { collection, items: page.items, nextCursor: page.nextCursor, loaded: true, loadingMore: false, error: null };
  const seen = new Set(state.items.map((i) => i.id));
  return { ...state, items: [...state.items, ...page.items.filter((i) => !seen.has(i.id))], nextCursor: page.nextCursor, loadingMore: false, error: null };
}

export function applyItemsError(state: ItemsState, collection: string, message: string): ItemsState {
  return { ...state, collection, loaded: state.collection === collection && state.loaded, loadingMore: false, error: message };
}

/** A just-remembered item goes on top (the list is newest first), once. */
export function prependItem(state: ItemsState, item: MemoryItem): ItemsState {
  if (state.collection !== item.collection || state.items.some((i) => i.id === item.id)) return state;
  return { ...state, items: [item, ...state.items] };
}

export function withoutItem<T extends { id: string }>(items: readonly T[], id: string): T[] {
  return items.filter((i) => i.id !== id);
}

export interface RecallState {
  /** recallKey of the query the items answer. */
  key: string;
  items: RecalledItem[];
  loading: boolean;
  error: string | null;
}

export const noRecall: RecallState = { key: '', items: [], loading: false, error: null };

export function recallKey(collection: string, query: string, k: number): string {
  return JSON.stringify([collection, query.trim(), k]);
}

/** Whether a recall's key was asked of `collection`. */
export function isRecallOf(key: string, collection: string): boolean {
  if (key === '') return false;
  try {
    return (JSON.parse(key) as unknown[])[0] === collection;
  } catch {
    return false;
  }
}

/** The collections with one count changed by `delta` (an item added or forgotten), a new one added when needed. */
export function adjustCount(collections: readonly MemoryCollectionInfo[], name: string, delta: number, now: number = Date.now()): MemoryCollectionInfo[] {
  const found = collections.some((c) => c.name === name);
  const next = collections.map((c) =>
    c.name === name ? { ...c, count: Math.max(0, c.count + delta), updatedAt: delta > 0 ? now : c.updatedAt } : c,
  );
  if (!found && delta > 0) next.push({ name, count: delta, updatedAt: now });
  return next.sort((a, b) => a.name.localeCompare(b.name));
}
