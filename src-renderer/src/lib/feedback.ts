// Feedback on runs, the pure parts: what the list's feedback cell says, and how a trace's
// annotations fold into what the feedback bar shows (the latest thumbs and rating, every label,
// notes and corrections). The newest annotation of a kind wins on the bar; the list's summary counts
// them all (FeedbackSummary), so two reviewers who disagree both show there.
import type { Annotation, FeedbackFilter, FeedbackSummary } from '../../../src-shared/contract';

export const FEEDBACK_CHOICES: ReadonlyArray<{ value: FeedbackFilter | ''; label: string }> = [
  { value: '', label: 'Any' },
  { value: 'up', label: '👍 Thumbs up' },
  { value: 'down', label: '👎 Thumbs down' },
  { value: 'any', label: 'Has feedback' },
  { value: 'none', label: 'No feedback' },
];

/** The list cell: the thumbs counts, the mean rating and the labels, shortest first; '' when none. */
export function feedbackCell(f: FeedbackSummary | undefined): string {
  if (!f) return '';
  const parts: string[] = [];
  if (f.up > 0) parts.push(f.up > 1 ? `👍${f.up}` : '👍');
  if (f.down > 0) parts.push(f.down > 1 ? `👎${f.down}` : '👎');
  if (f.rating !== null) parts.push(`★${f.rating}`);
  if (f.labels.length > 0) parts.push(f.labels.join(', '));
  if (parts.length === 0) parts.push(f.hasCorrection ? '✎ corrected' : f.hasNote ? '✎ note' : `${f.count} annotation${f.count === 1 ? '' : 's'}`);
  return parts.join(' ');
}

/** The cell's tooltip: every count spelt out. */
export function feedbackTitle(f: FeedbackSummary | undefined): string | undefined {
  if (!f) return undefined;
  const lines = [`${f.count} annotation${f.count === 1 ? '' : 's'}`];
  if (f.up + f.down > 0) lines.push(`thumbs up ${f.up}, down ${f.down}`);
  if (f.rating !== null) lines.push(`rating ${f.rating} (${f.ratingCount})`);
  if (f.labels.length > 0) lines.push(`labels: ${f.labels.join(', ')}`);
  if (f.hasNote) lines.push('has a note');
  if (f.hasCorrection) lines.push('has a corrected output');
  return lines.join('\n');
}

/** What the bar shows for one target (the trace itself, or one span). */
export interface FeedbackView {
  thumbs: Annotation | null;
  rating: Annotation | null;
  /** Every label annotation, oldest first (each may carry several labels). */
  labels: Annotation[];
  notes: Annotation[];
  corrections: Annotation[];
  /** Annotations of custom names. */
  other: Annotation[];
}

/** The annotations of `spanId` (null: of the trace itself), oldest first in, folded for the bar. */
export function feedbackView(annotations: readonly Annotation[], spanId: string | null): FeedbackView {
  const view: FeedbackView = { thumbs: null, rating: null, labels: [], notes: [], corrections: [], other: [] };
  for (const a of annotations) {
    if (a.spanId !== spanId) continue;
    if (a.name === 'thumbs') view.thumbs = a;
    else if (a.name === 'rating') view.rating = a;
    else if (a.name === 'label') view.labels.push(a);
    else if (a.name === 'note') view.notes.push(a);
    else if (a.name === 'correction') view.corrections.push(a);
    else view.other.push(a);
  }
  return view;
}

/** Labels typed as "a, b c" → ['a', 'b c']; empty parts dropped, at most 64 characters each. */
export function parseLabels(text: string): string[] {
  return [...new Set(text.split(',').map((l) => l.trim()).filter((l) => l.length > 0 && l.length <= 64))];
}
