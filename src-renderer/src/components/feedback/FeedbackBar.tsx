// The feedback bar: a person's judgment of a run (the trace) or of one step (a span): thumbs up or
// down, a 1–5 rating, labels, a note and a corrected output, each stored as an annotation
// (state/feedback.ts). The newest thumbs and rating count; clicking the active thumb or star again
// removes it. Labels, notes and corrections add up and each can be removed. Everything typed is
// shown as text.
import { useEffect, useMemo, useState } from 'react';
import type { Annotation } from '../../../../src-shared/contract';
import { feedbackView, parseLabels } from '../../lib/feedback';
import { addAnnotation, followAnnotations, loadAnnotations, removeAnnotation, useFeedbackStore } from '../../state/feedback';
import './feedback.css';

const NO_ANNOTATIONS: Annotation[] = [];

type Editing = 'note' | 'correction' | null;

export function FeedbackBar({ traceId, spanId }: { traceId: string; spanId: string | null }) {
  const annotations = useFeedbackStore((s) => s.byTrace[traceId]) ?? NO_ANNOTATIONS;
  const error = useFeedbackStore((s) => s.error);
  const view = useMemo(() => feedbackView(annotations, spanId), [annotations, spanId]);
  const [labelText, setLabelText] = useState('');
  const [editing, setEditing] = useState<Editing>(null);
  const [text, setText] = useState('');

  useEffect(() => {
    void loadAnnotations(traceId);
    // The trace-level bar follows writes made elsewhere (another window, a script): they tick with the trace.
    return spanId === null ? followAnnotations(traceId) : undefined;
  }, [traceId, spanId]);

  const target = spanId === null ? { traceId } : { traceId, spanId };
  const thumbs = view.thumbs?.value;
  const rating = typeof view.rating?.value === 'number' ? view.rating.value : null;

  const setThumbs = async (value: 'up' | 'down') => {
    if (view.thumbs) await removeAnnotation(view.thumbs);
    if (thumbs !== value) await addAnnotation({ ...target, name: 'thumbs', value });
  };
  const setRating = async (value: number) => {
    if (view.rating) await removeAnnotation(view.rating);
    if (rating !== value) await addAnnotation({ ...target, name: 'rating', value });
  };
  const addLabels = async () => {
    const labels = parseLabels(labelText);
    if (labels.length === 0) return;
    setLabelText('');
    await addAnnotation({ ...target, name: 'label', value: labels });
  };
  const saveText = async () => {
    if (!editing || text.trim() === '') return;
    const name = editing;
    setEditing(null);
    setText('');
    await addAnnotation({ ...target, name, value: text });
  };
  const what = spanId === null ? 'this run' : 'this step';

  return (
    <div className="feedback-bar" data-testid={spanId === null ? 'feedback-bar' : 'span-feedback-bar'} aria-label={`Feedback on ${what}`} role="group">
      <div className="feedback-row">
        <span className="feedback-label">Feedback</span>
        <button type="button" className="feedback-thumb" aria-pressed={thumbs === 'up'} title={`Good: thumbs up on ${what}`} data-testid="feedback-up" onClick={() => void setThumbs('up')}>
          👍
        </button>
        <button type="button" className="feedback-thumb" aria-pressed={thumbs === 'down'} title={`Bad: thumbs down on ${what}`} data-testid="feedback-down" onClick={() => void setThumbs('down')}>
          👎
        </button>
        <span className="feedback-stars" role="radiogroup" aria-label="Rating, 1 to 5">
          {[1, 2, 3, 4, 5].map((n) => (
            <button
              key={n}
              type="button"
              role="radio"
              aria-checked={rating === n}
              aria-label={`${n} of 5`}
              className={rating !== null && n <= rating ? 'feedback-star on' : 'feedback-star'}
              data-testid={`feedback-rating-${n}`}
              onClick={() => void setRating(n)}
            >
              ★
            </button>
          ))}
        </span>
        <form
          className="feedback-label-form"
          onSubmit={(e) => {
            e.preventDefault();
            void addLabels();
          }}
        >
          <input
            className="feedback-input"
            placeholder="label, another"
            aria-label="Add labels (comma-separated)"
            data-testid="feedback-label-input"
            value={labelText}
            maxLength={300}
            onChange={(e) => setLabelText(e.target.value)}
          />
          <button type="submit" className="bar-button" data-testid="feedback-label-add" disabled={parseLabels(labelText).length === 0}>
            Add label
          </button>
        </form>
        <button type="button" className="bar-button" aria-pressed={editing === 'note'} data-testid="feedback-note" onClick={() => setEditing(editing === 'note' ? null : 'note')}>
          Note…
        </button>
        <button type="button" className="bar-button" aria-pressed={editing === 'correction'} data-testid="feedback-correction" onClick={() => setEditing(editing === 'correction' ? null : 'correction')}>
          Corrected output…
        </button>
      </div>
      {editing && (
        <form
          className="feedback-text-form"
          onSubmit={(e) => {
            e.preventDefault();
            void saveText();
          }}
        >
          <textarea
            className="feedback-textarea"
            aria-label={editing === 'note' ? 'Note' : 'Corrected output'}
            placeholder={editing === 'note' ? 'What went well or wrong' : 'What the output should have been'}
            data-testid="feedback-text"
            value={text}
            maxLength={32 * 1024}
            rows={editing === 'note' ? 2 : 5}
            onChange={(e) => setText(e.target.value)}
          />
          <button type="submit" className="bar-button" data-testid="feedback-text-save" disabled={text.trim() === ''}>
            Save
          </button>
        </form>
      )}
      <Chips view={view} />
      {error && (
        <p className="error-text feedback-error" role="alert">
          Feedback: {error}
        </p>
      )}
    </div>
  );
}

function Chips({ view }: { view: ReturnType<typeof feedbackView> }) {
  const labelChips = view.labels.flatMap((a) => (Array.isArray(a.value) ? a.value : []).map((l) => ({ a, text: String(l) })));
  const texts = [...view.notes.map((a) => ({ a, kind: 'Note' })), ...view.corrections.map((a) => ({ a, kind: 'Corrected output' }))];
  if (labelChips.length === 0 && texts.length === 0 && view.other.length === 0) return null;
  return (
    <div className="feedback-chips" data-testid="feedback-chips">
      {labelChips.map(({ a, text }) => (
        <span key={`${a.id}:${text}`} className="feedback-chip" data-testid="feedback-chip">
          {text}
          <button type="button" className="feedback-remove" aria-label={`Remove label ${text}`} onClick={() => void removeAnnotation(a)}>
            ×
          </button>
        </span>
      ))}
      {texts.map(({ a, kind }) => (
        <div key={a.id} className="feedback-text" data-testid={kind === 'Note' ? 'feedback-note-text' : 'feedback-correction-text'}>
          <span className="feedback-text-kind">{kind}</span>
          <span className="feedback-text-body">{String(a.value)}</span>
          <button type="button" className="feedback-remove" aria-label={`Remove ${kind.toLowerCase()}`} onClick={() => void removeAnnotation(a)}>
            ×
          </button>
        </div>
      ))}
      {view.other.map((a) => (
        <span key={a.id} className="feedback-chip" title={a.comment ?? undefined}>
          {a.name}: {JSON.stringify(a.value)}
        </span>
      ))}
    </div>
  );
}
