/**
 * Where the store thread tells the engine and the readers how far it is, in one SharedArrayBuffer
 * (reader-pool.ts, docs/adr/0010-reader-pool.md): the last log sequence acknowledged, the last one
 * compacted (visible to any connection), and an epoch bumped when clearing all data lets ids be
 * reused (a reader then drops its caches). Only the store thread writes; Atomics order the stores
 * before the replies that follow them, so a read issued after an acknowledgement sees its sequence.
 */
const APPENDED = 0;
const COMPACTED = 1;
const EPOCH = 2;

export class ReadSequence {
  private readonly cells: BigInt64Array;

  constructor(readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(3 * BigInt64Array.BYTES_PER_ELEMENT)) {
    this.cells = new BigInt64Array(buffer);
  }

  /** Store thread: after an append commits (before its answers leave), and after each compaction. */
  publish(appended: number, compacted: number): void {
    Atomics.store(this.cells, COMPACTED, BigInt(compacted));
    Atomics.store(this.cells, APPENDED, BigInt(appended));
  }

  /** Store thread: after clearing all data, whose attribute keys, resources and scopes get new ids. */
  bumpEpoch(): void {
    Atomics.add(this.cells, EPOCH, 1n);
  }

  get appended(): number {
    return Number(Atomics.load(this.cells, APPENDED));
  }

  get compacted(): number {
    return Number(Atomics.load(this.cells, COMPACTED));
  }

  get epoch(): number {
    return Number(Atomics.load(this.cells, EPOCH));
  }
}
