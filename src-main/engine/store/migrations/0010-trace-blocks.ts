/**
 * 0010: trace blocks (issue 17, ADR 0011). A trace's spans are kept together: one `span_blocks` row
 * per trace per compaction pass (at most BLOCK_MAX_SPANS spans), its spans' columns encoded and
 * deflated (span-block.ts), their ids beside it uncompressed. What the trace list filters on per
 * span gets a narrow side table (`trace_span_names`); full text and the GenAI facets already live
 * per trace (trace_search). The one-row-per-span tables go: `spans`, `span_events`, `span_links`.
 *
 * Spans stored before are carried over trace by trace, in their old row order, numbered from above
 * the highest old row id (and above the row floor a delete left), so the memory's feed, which reads
 * spans after the last row it saw, reads the carried-over spans once more rather than skipping any.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { Migration } from '../migrate';
import { BlockDictionaryTrainer } from '../block-dictionary';
import { BLOCK_MAX_SPANS, deflateBlock, encodeBlock, type BlockSpan } from '../span-block';

interface OldSpan {
  id: number;
  span_id: Buffer;
  parent_span_id: Buffer | null;
  trace_state: string;
  name: string;
  kind: number;
  start_ns: bigint;
  end_ns: bigint;
  status_code: number;
  status_message: string;
  attrs: string;
  dropped_attributes_count: number;
  dropped_events_count: number;
  dropped_links_count: number;
  resource_id: number;
  scope_id: number;
  genai: string | null;
}

/** The kind a stored reading names (compact `k`, or `kind` in readings from before it), as the outline shows it. */
function storedKindOf(genai: string | null): string | null {
  if (genai === null) return null;
  const raw = JSON.parse(genai) as { k?: string; kind?: string };
  return raw.k ?? raw.kind ?? null;
}

function carryOver(db: BetterSqlite3.Database): void {
  const q = {
    traces: db.prepare('SELECT DISTINCT trace_id FROM spans').pluck(),
    spans: db
      .prepare(`SELECT id, span_id, parent_span_id, trace_state, name, kind, start_ns, end_ns, status_code, status_message, attrs,
          dropped_attributes_count, dropped_events_count, dropped_links_count, resource_id, scope_id, genai
        FROM spans WHERE trace_id = ? ORDER BY id`)
      .safeIntegers(true),
    events: db
      .prepare(`SELECT e.span_row, e.time_ns, e.name, e.attributes, e.dropped_attributes_count
        FROM spans s JOIN span_events e ON e.span_row = s.id WHERE s.trace_id = ? ORDER BY e.span_row, e.seq`)
      .safeIntegers(true),
    links: db
      .prepare(`SELECT l.span_row, lower(hex(l.trace_id)) AS trace_id, lower(hex(l.span_id)) AS span_id, l.trace_state, l.attributes, l.dropped_attributes_count
        FROM spans s JOIN span_links l ON l.span_row = s.id WHERE s.trace_id = ? ORDER BY l.span_row, l.seq`)
      .safeIntegers(true),
    insertBlock: db.prepare('INSERT INTO span_blocks (first_row, trace_id, span_count, span_ids, feed, dict, block) VALUES (?, ?, ?, ?, ?, ?, ?)'),
    nameId: db.prepare('INSERT INTO span_names (name) VALUES (?) ON CONFLICT (name) DO UPDATE SET name = excluded.name RETURNING id').pluck(),
    traceName: db.prepare('INSERT OR IGNORE INTO trace_span_names (name_id, trace_id) VALUES (?, ?)'),
  };
  const top = db.prepare('SELECT coalesce(max(id), 0) FROM spans').pluck().get() as number;
  const floor = (db.prepare("SELECT value FROM counters WHERE name = 'span_row_floor'").pluck().get() as number | undefined) ?? 0;
  let nextRow = Math.max(top, floor) + 1;
  const trainer = new BlockDictionaryTrainer(db);
  for (const traceId of q.traces.all() as Buffer[]) {
    const rows = q.spans.all(traceId) as OldSpan[];
    const events = new Map<bigint, unknown[]>();
    for (const e of q.events.all(traceId) as Array<{ span_row: bigint; time_ns: bigint; name: string; attributes: string; dropped_attributes_count: bigint }>) {
      const list = events.get(e.span_row) ?? [];
      list.push({ timeUnixNano: e.time_ns.toString(), name: e.name, attributes: JSON.parse(e.attributes), droppedAttributesCount: Number(e.dropped_attributes_count) });
      events.set(e.span_row, list);
    }
    const links = new Map<bigint, unknown[]>();
    for (const l of q.links.all(traceId) as Array<{ span_row: bigint; trace_id: string; span_id: string; trace_state: string; attributes: string; dropped_attributes_count: bigint }>) {
      const list = links.get(l.span_row) ?? [];
      list.push({ traceId: l.trace_id, spanId: l.span_id, traceState: l.trace_state, attributes: JSON.parse(l.attributes), droppedAttributesCount: Number(l.dropped_attributes_count) });
      links.set(l.span_row, list);
    }
    const names = new Set<string>();
    for (let from = 0; from < rows.length; from += BLOCK_MAX_SPANS) {
      const part = rows.slice(from, from + BLOCK_MAX_SPANS);
      let feed = 0;
      const spans: BlockSpan[] = part.map((r) => {
        const id = BigInt(r.id);
        if (r.genai !== null || Number(r.status_code) === 2) feed++;
        names.add(r.name);
        return {
          parentSpanId: r.parent_span_id,
          traceState: r.trace_state,
          name: r.name,
          kind: Number(r.kind),
          startNs: r.start_ns,
          endNs: r.end_ns,
          statusCode: Number(r.status_code),
          statusMessage: r.status_message,
          attrs: r.attrs,
          droppedAttributesCount: Number(r.dropped_attributes_count),
          events: JSON.stringify(events.get(id) ?? []),
          droppedEventsCount: Number(r.dropped_events_count),
          links: JSON.stringify(links.get(id) ?? []),
          droppedLinksCount: Number(r.dropped_links_count),
          resourceId: Number(r.resource_id),
          scopeId: Number(r.scope_id),
          genai: r.genai,
          genaiKind: storedKindOf(r.genai),
        };
      });
      const raw = encodeBlock(spans);
      trainer.sample(raw);
      const dict = trainer.now();
      q.insertBlock.run(nextRow, traceId, part.length, Buffer.concat(part.map((r) => r.span_id)), feed, dict.id, deflateBlock(raw, dict.dict));
      nextRow += part.length;
    }
    for (const name of names) q.traceName.run(q.nameId.get(name), traceId);
  }
  db.exec('DROP TABLE span_events; DROP TABLE span_links; DROP TABLE spans;');
}

export const migration0010: Migration = {
  version: 10,
  name: 'trace-blocks',
  sql: `
    CREATE TABLE span_blocks (
      first_row  INTEGER PRIMARY KEY,  -- row number of its first span; its spans are first_row .. first_row + span_count - 1, in insert order
      trace_id   BLOB    NOT NULL,
      span_count INTEGER NOT NULL,
      span_ids   BLOB    NOT NULL,     -- 8 bytes per span, in block order: duplicate checks and one-span reads inflate nothing
      feed       INTEGER NOT NULL,     -- its GenAI or failed spans, which the memory remembers; 0: the memory's feed skips the block
      dict       INTEGER NOT NULL,     -- the block_dictionaries row it was deflated with; 0: none
      block      BLOB    NOT NULL      -- span-block.ts, deflated
    ) STRICT;

    -- Preset dictionaries for deflating blocks (block-dictionary.ts); ids never repeat, so readers may cache them.
    CREATE TABLE block_dictionaries (
      id   INTEGER PRIMARY KEY AUTOINCREMENT,
      dict BLOB    NOT NULL
    ) STRICT;
    CREATE INDEX span_blocks_by_trace ON span_blocks (trace_id);  -- and, within a trace, by first_row (the rowid)

    -- Blocks as compaction wrote them, not deflated yet: block-compression.ts deflates them into
    -- span_blocks in the store thread's spare time. Apart, so span_blocks stays packed (deflating
    -- in place left each page holding one shrunk row) and these pages are reused by the next ones.
    CREATE TABLE span_blocks_fresh (
      first_row  INTEGER PRIMARY KEY,
      trace_id   BLOB    NOT NULL,
      span_count INTEGER NOT NULL,
      span_ids   BLOB    NOT NULL,
      feed       INTEGER NOT NULL,
      block      BLOB    NOT NULL      -- span-block.ts, as encoded
    ) STRICT;
    CREATE INDEX span_blocks_fresh_by_trace ON span_blocks_fresh (trace_id);

    -- What every read uses: both, dict -1 marking a block not deflated yet.
    CREATE VIEW all_span_blocks AS
      SELECT first_row, trace_id, span_count, span_ids, feed, dict, block FROM span_blocks
      UNION ALL
      SELECT first_row, trace_id, span_count, span_ids, feed, -1, block FROM span_blocks_fresh;

    -- The trace list's spanName filter: which traces hold a span of this exact name.
    CREATE TABLE span_names (
      id   INTEGER PRIMARY KEY,
      name TEXT    NOT NULL UNIQUE
    ) STRICT;
    CREATE TABLE trace_span_names (
      name_id  INTEGER NOT NULL,
      trace_id BLOB    NOT NULL,
      PRIMARY KEY (name_id, trace_id)
    ) STRICT, WITHOUT ROWID;
    -- No index by trace (16 B/span): deleting a trace finds its names in its blocks' heads.
  `,
  data: carryOver,
};
