/**
 * An attribute step's condition finds a string value by its first occurrence and falls back to the
 * four exact text forms: on attrs where the first occurrence is not the match (a longer key id
 * ending in the same digits, the value inside another string), it must say what the four forms say.
 * Real SQLite (in memory) with the spans.attrs encoding.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { stepCondition } from '../../../src-main/engine/store/funnel-step-sql';

const KEY = 2;

/** [attrs as stored, whether key 2 holds "gold"] */
const CASES: Array<[string, boolean]> = [
  ['[2,"gold"]', true],
  ['[2,"gold",3,1]', true],
  ['[1,"x",2,"gold"]', true],
  ['[1,"x",2,"gold",3,"y"]', true],
  ['[12,"gold"]', false],
  ['[12,"gold",2,"gold"]', true],
  ['[12,"gold",22,"gold"]', false],
  ['[12,"gold",3,"x",2,"gold",4,5]', true],
  ['[2,"golden"]', false],
  ['[2,"Gold"]', false],
  ['[3,"2,\\"gold\\"",2,"silver"]', false],
  ['[3,"2,\\"gold\\"",2,"gold"]', true],
  ['[1,"gold"]', false],
  ['[]', false],
];

test('attribute step: first-occurrence test with fallback agrees with the four exact forms', () => {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE spans (attrs TEXT, genai TEXT, name TEXT)');
  const insert = db.prepare('INSERT INTO spans (attrs) VALUES (?)');
  for (const [attrs] of CASES) insert.run(attrs);
  const cond = stepCondition({ type: 'attribute', key: 'tier', value: 'gold' }, KEY);
  const matches = db.prepare(`SELECT attrs, ${cond.sql} AS hit FROM spans s ORDER BY rowid`).raw().all(...cond.params) as Array<[string, number]>;
  const exact = ['[2,"gold",', ',2,"gold",', '[2,"gold"]', ',2,"gold"]'];
  for (const [[attrs, expected], [, hit]] of CASES.map((c, i) => [c, matches[i]!] as const)) {
    assert.equal(Boolean(hit), expected, attrs);
    assert.equal(Boolean(hit), exact.some((form) => attrs.includes(form)), `${attrs} (four forms)`);
  }
});
