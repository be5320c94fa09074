/**
 * The memory evaluation set keeps its own promises (test/fixtures/memory/eval-runs.ts): enough runs
 * and queries, unique run ids, every query's target exists, messages of a natural length, and no
 * query shares a content word, or a crude stem of one, with any text of its target run. The last
 * is what makes the set measure meaning: a query that reuses the run's words can be found by
 * word matching alone, and would flatter the semantic and hybrid figures.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EVAL_QUERIES, EVAL_RUNS, runTexts, type EvalRun } from '../fixtures/memory/eval-runs';

/** English stopwords: NLTK's list, plus the modal verbs and fillers it lacks. */
const STOPWORDS = new Set(
  `i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers herself
  it its itself they them their theirs themselves what which who whom this that these those am is are was were be
  been being have has had having do does did doing a an the and but if or because as until while of at by for with
  about against between into through during before after above below to from up down in out on off over under again
  further then once here there when where why how all any both each few more most other some such no nor not only
  own same so than too very can will just don should now ain aren couldn didn doesn hadn hasn haven isn mightn
  mustn needn shan shouldn wasn weren won wouldn would could might must shall may also yet via`.split(/\s+/),
);

/** Lowercase alphabetic tokens of ≥ 3 letters that are not stopwords; camelCase split, accents dropped. */
function contentWords(text: string): string[] {
  const plain = text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/([a-z])([A-Z])/g, '$1 $2');
  return (plain.toLowerCase().match(/[a-z]+/g) ?? []).filter((w) => w.length >= 3 && !STOPWORDS.has(w));
}

const SUFFIXES = ['ations', 'ation', 'tions', 'tion', 'ments', 'ment', 'ness', 'ings', 'ing', 'edly', 'ers', 'er', 'ed', 'ly', 'es', 's', 'e', 'y'];

/** A crude stem: suffixes stripped while at least 3 letters remain, `-ies`/`-ied` to `y`, a doubled final consonant undoubled. */
function crudeStem(word: string): string {
  let w = word.replace(/ie[sd]$/, 'y');
  for (let stripped = true; stripped; ) {
    stripped = false;
    for (const suffix of SUFFIXES) {
      if (w.endsWith(suffix) && w.length - suffix.length >= 3) {
        w = w.slice(0, -suffix.length);
        stripped = true;
        break;
      }
    }
  }
  return /([b-df-hj-np-tv-z])\1$/.test(w) ? w.slice(0, -1) : w;
}

/** The query's content words that are, or stem like, a word of the run's texts. */
function sharedWords(query: string, run: EvalRun): string[] {
  const words = new Set<string>();
  const stems = new Set<string>();
  for (const text of runTexts(run)) {
    for (const w of contentWords(text)) {
      words.add(w);
      stems.add(crudeStem(w));
    }
  }
  return [...new Set(contentWords(query).filter((w) => words.has(w) || stems.has(crudeStem(w))))];
}

const runsById = new Map(EVAL_RUNS.map((r) => [r.id, r]));

describe('memory evaluation set', () => {
  test('has at least 60 runs and 50 queries', () => {
    assert.ok(EVAL_RUNS.length >= 60, `${EVAL_RUNS.length} runs`);
    assert.ok(EVAL_QUERIES.length >= 50, `${EVAL_QUERIES.length} queries`);
  });

  test('run ids are unique, and so are queries', () => {
    assert.equal(runsById.size, EVAL_RUNS.length, 'duplicate run ids');
    const seen = new Set<string>();
    const repeated = EVAL_QUERIES.map((q) => q.query.toLowerCase()).filter((q) => seen.has(q) || !seen.add(q));
    assert.deepEqual(repeated, []);
  });

  test('every query targets a run of the set', () => {
    assert.deepEqual(EVAL_QUERIES.filter((q) => !runsById.has(q.target)).map((q) => q.target), []);
  });

  test('every message of an LLM call reads naturally: 20 to 120 words', () => {
    const off: string[] = [];
    for (const run of EVAL_RUNS) {
      for (const step of run.steps) {
        if (step.kind !== 'llm') continue;
        for (const m of [...step.input, ...step.output]) {
          const n = m.text.split(/\s+/).filter(Boolean).length;
          if (n < 20 || n > 120) off.push(`${run.id} ${m.role} (${n} words): ${m.text.slice(0, 60)}…`);
        }
      }
    }
    assert.deepEqual(off, []);
  });

  test('no query shares a content word or a stem with its target run', () => {
    const leaks = EVAL_QUERIES.flatMap((q) => {
      const run = runsById.get(q.target);
      const shared = run ? sharedWords(q.query, run) : [];
      return shared.length > 0 ? [`"${q.query}" → ${q.target}: ${shared.join(', ')}`] : [];
    });
    assert.deepEqual(leaks, []);
  });

  test('the word check catches a careless edit: a reused word, a reused stem, a camelCase name', () => {
    const run = runsById.get('hotel-search-timeout')!;
    assert.deepEqual(sharedWords('the lodging lookup in Lisbon went silent', run), ['lisbon']);
    assert.deepEqual(sharedWords('accommodation searches went silent', run), ['searches']);
    assert.deepEqual(sharedWords('a timeout while fetching rooms', run), ['timeout']);
    assert.deepEqual(sharedWords('the hotels never replied', run), ['hotels']);
    assert.equal(crudeStem('reservations'), crudeStem('reserved'));
    assert.equal(crudeStem('delivery'), crudeStem('delivered'));
    assert.equal(crudeStem('shipment'), crudeStem('shipping'));
  });
});
