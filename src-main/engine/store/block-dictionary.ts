/**
 * The store's preset dictionary for deflating span blocks (`block_dictionaries`, migration 0010).
 * Blocks are small (a trace's spans of one pass, ~10), so deflate alone finds little to repeat inside
 * one; primed with 16 KB of the store's own earlier blocks, it finds the models, tool names, message
 * shapes and readings that every block repeats (on the store bench: 154 → 85 B/span).
 *
 * The first TRAIN_BLOCKS blocks a store writes are deflated without one and sampled; the dictionary
 * is then their last DICTIONARY_BYTES and is kept for the life of the store. Ids never repeat
 * (AUTOINCREMENT), so a reader's cache of them is never wrong, even across a clear of all data.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { RAW_BLOCK } from './span-block';

const DICTIONARY_BYTES = 16 * 1024;
const TRAIN_BLOCKS = 200;

/** The dictionaries by id, as readers need them (id 0: none). */
export class BlockDictionaries {
  private readonly byId = new Map<number, Buffer>();
  private readonly stmt: BetterSqlite3.Statement;
  private readonly all: BetterSqlite3.Statement;

  constructor(db: BetterSqlite3.Database) {
    this.stmt = db.prepare('SELECT dict FROM block_dictionaries WHERE id = ?').pluck();
    this.all = db.prepare('SELECT id, dict FROM block_dictionaries');
  }

  /** Before SQL that decodes blocks inside a statement (span_rows), where no other statement may run. */
  loadAll(): void {
    for (const row of this.all.all() as Array<{ id: number; dict: Buffer }>) this.byId.set(row.id, row.dict);
  }

  /** Without a statement: a dictionary loadAll did not see is an error. */
  cached(id: number): Buffer | null | typeof RAW_BLOCK {
    if (id < 0) return RAW_BLOCK;
    if (id === 0) return null;
    const dict = this.byId.get(id);
    if (!dict) throw new Error(`span block dictionary ${id} was not loaded before the statement that reads it`);
    return dict;
  }

  get(id: number): Buffer | null | typeof RAW_BLOCK {
    if (id < 0) return RAW_BLOCK;
    if (id === 0) return null;
    let dict = this.byId.get(id);
    if (!dict) {
      dict = this.stmt.get(id) as Buffer | undefined;
      if (!dict) throw new Error(`span block dictionary ${id} is missing from the store`);
      this.byId.set(id, dict);
    }
    return dict;
  }
}

/** The writer's side: the dictionary new blocks use, trained from the first blocks once. */
export class BlockDictionaryTrainer {
  private current: { id: number; dict: Buffer } | null = null;
  private samples: Buffer[] = [];
  private readonly stmts;

  constructor(db: BetterSqlite3.Database) {
    this.stmts = {
      latest: db.prepare('SELECT id, dict FROM block_dictionaries ORDER BY id DESC LIMIT 1'),
      insert: db.prepare('INSERT INTO block_dictionaries (dict) VALUES (?)'),
    };
    this.reload();
  }

  /** A block as encoded (before deflating), sampled while the store has no dictionary; the last sample trains it. */
  sample(raw: Buffer): void {
    if (this.current) return;
    this.samples.push(raw);
    if (this.samples.length < TRAIN_BLOCKS) return;
    const dict = Buffer.concat(this.samples).subarray(-DICTIONARY_BYTES);
    const id = Number(this.stmts.insert.run(dict).lastInsertRowid);
    this.current = { id, dict: Buffer.from(dict) };
    this.samples = [];
  }

  /** What a block is deflated with now: the dictionary, or none (id 0) while there is none yet. */
  now(): { id: number; dict: Buffer | null } {
    return this.current ?? { id: 0, dict: null };
  }

  /** After a rolled-back transaction (its dictionary may be gone) or a clear of all data. */
  reload(): void {
    const row = this.stmts.latest.get() as { id: number; dict: Buffer } | undefined;
    this.current = row ? { id: row.id, dict: row.dict } : null;
    this.samples = [];
  }
}
