/** Feedback in the UI, the pure parts: the list cell and its tooltip, the bar's folding per target, labels as typed, the filters → query. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Annotation, FeedbackSummary } from '../../src-shared/contract';
import { parseTraceListQuery } from '../../src-shared/validate';
import { traceListQueryFromParams, traceListSearchParams } from '../../src-shared/trace-list-params';
import { feedbackCell, feedbackTitle, feedbackView, parseLabels } from '../../src-renderer/src/lib/feedback';
import { buildListQuery, clearedFilters, isFiltered } from '../../src-renderer/src/lib/list/query';

const summary = (over: Partial<FeedbackSummary>): FeedbackSummary => ({ count: 1, up: 0, down: 0, rating: null, ratingCount: 0, labels: [], hasNote: false, hasCorrection: false, ...over });

test('the list cell: thumbs, mean rating and labels; a note or a correction alone still shows', () => {
  assert.equal(feedbackCell(undefined), '');
  assert.equal(feedbackCell(summary({ count: 3, down: 1, rating: 2.5, ratingCount: 2, labels: ['hallucination'] })), '👎 ★2.5 hallucination');
  assert.equal(feedbackCell(summary({ count: 3, up: 2, down: 1 })), '👍2 👎');
  assert.equal(feedbackCell(summary({ hasCorrection: true })), '✎ corrected');
  assert.equal(feedbackCell(summary({ hasNote: true })), '✎ note');
  assert.equal(feedbackCell(summary({ count: 2 })), '2 annotations');
  assert.equal(feedbackTitle(summary({ count: 2, up: 1, rating: 4, ratingCount: 1 })), '2 annotations\nthumbs up 1, down 0\nrating 4 (1)');
});

const a = (id: string, name: string, value: Annotation['value'], spanId: string | null = null): Annotation => ({ id, traceId: 't', spanId, name, value, comment: null, createdAt: 0 });

test("the bar folds one target's annotations: the newest thumbs and rating win, the rest add up", () => {
  const list = [
    a('1', 'thumbs', 'up'),
    a('2', 'thumbs', 'down'),
    a('3', 'rating', 4),
    a('4', 'label', ['x', 'y']),
    a('5', 'note', 'hm'),
    a('6', 'correction', '42'),
    a('7', 'reviewer', { by: 'ana' }),
    a('8', 'thumbs', 'up', 'span1'),
  ];
  const trace = feedbackView(list, null);
  assert.equal(trace.thumbs?.id, '2');
  assert.equal(trace.rating?.id, '3');
  assert.deepEqual([trace.labels, trace.notes, trace.corrections, trace.other].map((l) => l.map((x) => x.id)), [['4'], ['5'], ['6'], ['7']]);
  const span = feedbackView(list, 'span1');
  assert.equal(span.thumbs?.id, '8');
  assert.equal(span.rating, null);
});

test('labels as typed: comma-separated, trimmed, distinct, none empty or too long', () => {
  assert.deepEqual(parseLabels(' wrong tool, hallucination ,, wrong tool'), ['wrong tool', 'hallucination']);
  assert.deepEqual(parseLabels('x'.repeat(65)), []);
});

test('the feedback and label filters reach the query and the REST parameters, and clearing resets them', () => {
  const f = { q: '', service: '', feedback: 'down' as const, label: ' hallucination ' };
  const query = buildListQuery(f, 50, 0);
  assert.deepEqual(query, { limit: 50, feedback: 'down', label: 'hallucination' });
  assert.ok(isFiltered(f));
  assert.deepEqual(parseTraceListQuery(traceListQueryFromParams(traceListSearchParams(query))), query);
  const cleared = clearedFilters(f);
  assert.deepEqual([cleared.feedback, cleared.label], ['', '']);
  assert.equal(isFiltered(cleared), false);
  assert.deepEqual(buildListQuery({ q: '', service: '', feedback: '' }, 50, 0), { limit: 50 });
});
