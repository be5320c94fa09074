// Server data of the Memory page: the collections with their counts, what the memory process is
// doing, one collection's items (newest first, paged) and the last recall. Only the functions here
// write it; the pure state changes are in lib/memory/items-state.ts.
import { create } from 'zustand';
import type { MemoryCollectionInfo, MemoryItemInput, MemoryStatus } from '../../../src-shared/contract';
import { api, errorMessage } from '../api';
import {
  adjustCount,
  applyItemsError,
  applyItemsPage,
  ITEMS_PAGE,
  noItems,
  noRecall,
  prependItem,
  recallKey,
  withoutItem,
  type ItemsState,
  type RecallState,
} from '../lib/memory/items-state';

interface MemoryState {
  collections: MemoryCollectionInfo[];
  collectionsLoaded: boolean;
  collectionsError: string | null;
  status: MemoryStatus | null;
  items: ItemsState;
  recall: RecallState;
}

export const useMemory = create<MemoryState>()(() => ({
  collections: [],
  collectionsLoaded: false,
  collectionsError: null,
  status: null,
  items: noItems,
  recall: noRecall,
}));

export async function loadCollections(): Promise<void> {
  try {
    const collections = await api.listMemoryCollections();
    useMemory.setState({ collections: [...collections].sort((a, b) => a.name.localeCompare(b.name)), collectionsLoaded: true, collectionsError: null });
  } catch (err) {
    useMemory.setState({ collectionsLoaded: true, collectionsError: errorMessage(err) });
  }
}

export async function loadMemoryStatus(): Promise<void> {
  try {
    useMemory.setState({ status: await api.getMemoryStatus() });
  } catch {
    // A quiet line: it keeps what it had, the next tick asks again.
  }
}

/** The first page of a collection's items (again when `collection` is already shown). */
export async function loadItems(collection: string): Promise<void> {
  useMemory.setState((s) => (s.items.collection === collection ? {} : { items: { ...noItems, collection }, recall: noRecall }));
  try {
    const page = await api.listMemoryItems(collection, { limit: ITEMS_PAGE });
    if (useMemory.getState().items.collection !== collection) return;
    useMemory.setState((s) => ({ items: applyItemsPage(s.items, collection, page, false) }));
  } catch (err) {
    if (useMemory.getState().items.collection !== collection) return;
    useMemory.setState((s) => ({ items: applyItemsError(s.items, collection, errorMessage(err)) }));
  }
}

export async function loadMoreItems(): Promise<void> {
  const { items } = useMemory.getState();
  if (!items.nextCursor || items.loadingMore) return;
  const collection = items.collection;
  useMemory.setState((s) => ({ items: { ...s.items, loadingMore: true } }));
  try {
    const page = await api.listMemoryItems(collection, { limit: ITEMS_PAGE, cursor: items.nextCursor });
    useMemory.setState((s) => ({ items: applyItemsPage(s.items, collection, page, true) }));
  } catch (err) {
    useMemory.setState((s) => ({ items: applyItemsError(s.items, collection, errorMessage(err)) }));
  }
}

/** Remembers `input`; the new item shows on top of its collection at once. Throws what the engine said. */
export async function rememberItem(collection: string, input: MemoryItemInput): Promise<string> {
  const { id } = await api.remember(collection, input);
  useMemory.setState((s) => ({
    items: prependItem(s.items, { id, collection, text: input.text, metadata: input.metadata ?? {}, createdAt: Date.now() }),
    collections: adjustCount(s.collections, collection, 1),
  }));
  void loadCollections();
  void loadMemoryStatus();
  return id;
}

export async function recallItems(collection: string, query: string, k: number): Promise<void> {
  const key = recallKey(collection, query, k);
  useMemory.setState((s) => ({ recall: { ...s.recall, key, loading: true, error: null } }));
  try {
    const { items } = await api.recall(collection, { query: query.trim(), k });
    if (useMemory.getState().recall.key !== key) return;
    useMemory.setState({ recall: { key, items, loading: false, error: null } });
  } catch (err) {
    if (useMemory.getState().recall.key !== key) return;
    useMemory.setState({ recall: { key, items: [], loading: false, error: errorMessage(err) } });
  }
}

/** Forgets an item; it leaves the list and the recall at once. Throws what the engine said. */
export async function forgetItem(collection: string, id: string): Promise<void> {
  const existed = await api.forget(collection, id);
  useMemory.setState((s) => ({
    items: s.items.collection === collection ? { ...s.items, items: withoutItem(s.items.items, id) } : s.items,
    recall: { ...s.recall, items: withoutItem(s.recall.items, id) },
    collections: existed ? adjustCount(s.collections, collection, -1) : s.collections,
  }));
  void loadCollections();
  void loadMemoryStatus();
}

export function clearRecall(): void {
  useMemory.setState({ recall: noRecall });
}
