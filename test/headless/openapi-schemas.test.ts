/**
 * object<T>() ties a schema to its contract type at compile time: every key once, optional keys
 * (and only they) wrapped in optional(). The @ts-expect-error lines fail the type-check (part of
 * `npm test`) if a wrong schema ever compiles.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nullable, object, optional, ref } from '../../src-main/headless/openapi-schemas';

interface Shape {
  a: string;
  b?: number;
  c: number | null;
}

test('object() lists every key, requires exactly the non-optional ones', () => {
  const schema = object<Shape>('a shape', { a: { type: 'string' }, b: optional({ type: 'number' }), c: nullable({ type: 'number' }) });
  assert.deepEqual(schema.required, ['a', 'c']);
  assert.deepEqual(Object.keys(schema.properties ?? {}), ['a', 'b', 'c']);
  assert.deepEqual(schema.properties?.c, { type: ['number', 'null'] });
  assert.deepEqual(nullable(ref('X')), { anyOf: [{ $ref: '#/components/schemas/X' }, { type: 'null' }] });
});

test('a schema that disagrees with its type does not compile', () => {
  // @ts-expect-error b is optional in Shape: it must be wrapped in optional()
  object<Shape>('x', { a: { type: 'string' }, b: { type: 'number' }, c: { type: 'number' } });
  // @ts-expect-error a is missing
  object<Shape>('x', { b: optional({ type: 'number' }), c: { type: 'number' } });
  // @ts-expect-error a is required, not optional
  object<Shape>('x', { a: optional({ type: 'string' }), b: optional({ type: 'number' }), c: { type: 'number' } });
  // @ts-expect-error d is not a field of Shape
  object<Shape>('x', { a: { type: 'string' }, b: optional({ type: 'number' }), c: { type: 'number' }, d: { type: 'string' } });
  // @ts-expect-error a misspelt keyword
  object<Shape>('x', { a: { typ: 'string' }, b: optional({ type: 'number' }), c: { type: 'number' } });
});
