/** IPC arguments of the feedback verbs are checked in main like every other: shape, per-name value, ids. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ARG_PARSERS } from '../../src-main/electron/ipc-args';

test('annotate, listAnnotations and deleteAnnotation take only well-formed arguments', () => {
  const traceId = 'AB'.repeat(16);
  assert.deepEqual(ARG_PARSERS.annotate([{ traceId, spanId: 'CD'.repeat(8), name: 'thumbs', value: 'down', comment: 'no' }]), [
    { traceId: 'ab'.repeat(16), spanId: 'cd'.repeat(8), name: 'thumbs', value: 'down', comment: 'no' },
  ]);
  assert.throws(() => ARG_PARSERS.annotate([]), /takes 1 argument/);
  assert.throws(() => ARG_PARSERS.annotate([{ traceId, name: 'rating', value: '5' }]), /integer from 1 to 5/);
  assert.throws(() => ARG_PARSERS.annotate([{ traceId, name: 'thumbs', value: 'up', sql: 'DROP' }]), /unknown annotation field "sql"/);
  assert.throws(() => ARG_PARSERS.annotate([{ traceId, name: ' thumbs', value: 'up' }]), /spaces/);
  assert.deepEqual(ARG_PARSERS.listAnnotations([traceId]), ['ab'.repeat(16)]);
  assert.throws(() => ARG_PARSERS.listAnnotations(['x']), /32 hex/);
  assert.deepEqual(ARG_PARSERS.deleteAnnotation(['0123456789ABCDEF']), ['0123456789abcdef']);
  assert.throws(() => ARG_PARSERS.deleteAnnotation(['1']), /16 hex/);
});
