/**
 * Random trace outlines from a seed, built through buildTraceOutline so they have a real tree
 * order: mostly 16-hex span ids, names and services from small dictionaries (unicode and '' among
 * them), some errors with messages, and spans whose parent is missing or sits in a cycle.
 */
import { buildTraceOutline, type OutlineSpan, type TraceOutline } from '../../src-shared/trace-outline';
import { seededRandom } from './seeded-random';

const NAMES = ['', 'chat gpt-4o', 'tool: search', 'agent 🤖 planner', 'Ünïcödé — “quoted”', 'embed', '检索', 'x'.repeat(300)];
const SERVICES = ['', 'api', 'worker', 'サービス'];
const KINDS = [null, '', 'agent', 'llm', 'tool', 'retriever'];
const MESSAGES = ['timeout after 30 s', 'rate limited 🙁', '', 'boom\nwith a newline'];

export interface RandomOutlineOptions {
  /** Spans whose ids are not 16 hex digits (as tests write them): the binary form stores them as text. */
  oddIds?: boolean;
}

export function randomOutline(seed: number, spans: number, options: RandomOutlineOptions = {}): TraceOutline {
  const random = seededRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  // One flat string per id, as ids read from SQLite or JSON are (a `+=` rope would make every
  // charCodeAt in the code under test slow, and the benchmark with it).
  const codes: number[] = [];
  const hex = (digits: number): string => {
    codes.length = digits;
    for (let i = 0; i < digits; i++) codes[i] = '0123456789abcdef'.charCodeAt(Math.floor(random() * 16));
    return String.fromCharCode(...codes);
  };
  const ids: string[] = [];
  const input: OutlineSpan[] = [];
  const base = 1_700_000_000_000_000_000n + BigInt(Math.floor(random() * 1e12));
  for (let i = 0; i < spans; i++) {
    const id = options.oddIds && random() < 0.3 ? `s${i}-é` : hex(16);
    ids.push(id);
    const roll = random();
    // Mostly a parent from earlier spans; some roots, some missing parents, a few forward (cycles possible).
    const parent =
      i === 0 || roll < 0.05 ? null
      : roll < 0.1 ? hex(16)
      : roll < 0.13 ? null
      : ids[Math.floor(random() * ids.length)]!;
    const start = base + BigInt(Math.floor(random() * 5e9));
    const error = random() < 0.1;
    input.push({
      spanId: id,
      parentSpanId: parent,
      name: pick(NAMES),
      service: pick(SERVICES),
      startTimeUnixNano: start.toString(),
      endTimeUnixNano: (start + BigInt(Math.floor(random() * 1e9))).toString(),
      status: error ? 'error' : random() < 0.5 ? 'ok' : 'unset',
      statusMessage: error ? pick(MESSAGES) : '',
      genaiKind: pick(KINDS),
    });
  }
  // A cycle: the last two spans point at each other (only when they are not the same span).
  if (spans >= 3) {
    input[spans - 1]!.parentSpanId = input[spans - 2]!.spanId;
    input[spans - 2]!.parentSpanId = input[spans - 1]!.spanId;
  }
  return buildTraceOutline(random() < 0.5 ? hex(32) : 'trace-ü', input);
}
