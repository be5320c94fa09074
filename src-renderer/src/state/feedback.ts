// The annotations of open traces, keyed by trace id (server data: loaded when a trace opens,
// replaced after each write). A write also marks the trace list stale so its feedback column and
// filter catch up when it is shown again (writes send no ingest tick).
import { create } from 'zustand';
import type { Annotation, AnnotationInput } from '../../../src-shared/contract';
import { api } from '../api';

interface FeedbackState {
  byTrace: Record<string, Annotation[] | undefined>;
  error: string | null;
  /** Bumped by every write; the list re-reads when it changes. */
  version: number;
}

export const useFeedbackStore = create<FeedbackState>()(() => ({ byTrace: {}, error: null, version: 0 }));

function fail(err: unknown): void {
  useFeedbackStore.setState({ error: (err as Error).message });
}

export async function loadAnnotations(traceId: string): Promise<void> {
  try {
    const list = await api.listAnnotations(traceId);
    useFeedbackStore.setState((s) => ({ byTrace: { ...s.byTrace, [traceId]: list }, error: null }));
  } catch (err) {
    fail(err);
  }
}

/** Re-reads the trace's annotations on every tick that names it; returns the unsubscribe. */
export function followAnnotations(traceId: string): () => void {
  return api.onIngest((tick) => {
    if (tick.truncated || tick.traceIds.includes(traceId)) void loadAnnotations(traceId);
  });
}

export async function addAnnotation(input: AnnotationInput): Promise<void> {
  try {
    if ((await api.annotate(input)) === null) throw new Error('this trace (or span) is no longer stored');
    useFeedbackStore.setState((s) => ({ version: s.version + 1 }));
  } catch (err) {
    fail(err);
  }
  await loadAnnotations(input.traceId);
}

export async function removeAnnotation(annotation: Annotation): Promise<void> {
  try {
    await api.deleteAnnotation(annotation.id);
    useFeedbackStore.setState((s) => ({ version: s.version + 1 }));
  } catch (err) {
    fail(err);
  }
  await loadAnnotations(annotation.traceId);
}
