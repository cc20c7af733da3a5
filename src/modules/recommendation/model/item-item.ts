import { endianness } from 'node:os';

import { topK } from './top-k.js';

/** How much one history item added to a recommendation's score. */
export interface Contribution {
  itemId: string;
  contribution: number;
}

/** A recommended item; `because` names the history items that contributed most, largest first. */
export interface ScoredItem {
  itemId: string;
  score: number;
  because: Contribution[];
}

/** History items listed per recommendation: enough for "because you bought X and Y". */
const BECAUSE = 3;
/** "c360 item-item", version 1; a reader refuses anything else rather than misread it. */
const MAGIC = 0x43334949;
const VERSION = 1;
const HEADER_BYTES = 24;

/**
 * Item-to-item weights kept sparse: for each item its strongest `neighbours`, best first. A
 * customer's score for item j is Σ over history items i of weight(i) · w(i → j), which is what
 * EASE (B = learned weights) and item-kNN (cosine) both compute; only the fit differs.
 *
 * Immutable after construction, so one instance serves every request of a gateway.
 */
export class ItemItemModel {
  private readonly index: ReadonlyMap<string, number>;
  /** Scratch for `score`: reset after each call, so calls do not allocate a catalogue-sized array. */
  private readonly accumulator: Float64Array;
  private readonly touched: Uint8Array;

  /**
   * `rowStart[i] .. rowStart[i + 1]` index the neighbours of `items[i]` in `neighbour` and
   * `weight`, sorted by weight, largest first.
   */
  constructor(
    readonly items: readonly string[],
    private readonly rowStart: Uint32Array,
    private readonly neighbour: Uint32Array | Uint16Array,
    private readonly weight: Float32Array,
  ) {
    if (rowStart.length !== items.length + 1 || neighbour.length !== weight.length) {
      throw new Error('ItemItemModel: row offsets and arrays do not match the items');
    }
    this.index = new Map(items.map((item, i) => [item, i]));
    this.accumulator = new Float64Array(items.length);
    this.touched = new Uint8Array(items.length);
  }

  /** Stored neighbours per item, summed: the model's size. */
  get edgeCount(): number {
    return this.weight.length;
  }

  /**
   * Every item's score for a history, aligned with `items` (0 where nothing reaches it): for
   * blending with another signal over the whole catalogue.
   */
  scoreAll(history: ReadonlyMap<string, number>): Float64Array {
    const scores = new Float64Array(this.items.length);
    for (const [itemId, weight] of history) {
      const i = this.index.get(itemId);
      if (i === undefined) {
        continue;
      }
      for (let p = this.rowStart[i]!; p < this.rowStart[i + 1]!; p++) {
        scores[this.neighbour[p]!]! += weight * this.weight[p]!;
      }
    }
    return scores;
  }

  /** The `k` strongest neighbours of an item; empty for an item the model has not seen. */
  neighbours(itemId: string, k: number): Contribution[] {
    const i = this.index.get(itemId);
    if (i === undefined) {
      return [];
    }
    const end = Math.min(this.rowStart[i + 1]!, this.rowStart[i]! + k);
    const result: Contribution[] = [];
    for (let p = this.rowStart[i]!; p < end; p++) {
      result.push({ itemId: this.items[this.neighbour[p]!]!, contribution: this.weight[p]! });
    }
    return result;
  }

  /**
   * The top `k` items for a history (item → weight), leaving out `exclude` (typically what the
   * customer already has). Items the model has never seen contribute nothing; fewer than `k`
   * results come back when the history reaches fewer candidates (the caller fills from
   * popularity).
   */
  score(
    history: ReadonlyMap<string, number>,
    k: number,
    exclude: ReadonlySet<string>,
  ): ScoredItem[] {
    const scores = this.accumulator;
    const touched: number[] = [];
    const sources: [number, number][] = [];
    for (const [itemId, weight] of history) {
      const i = this.index.get(itemId);
      if (i === undefined || weight === 0) {
        continue;
      }
      sources.push([i, weight]);
      for (let p = this.rowStart[i]!; p < this.rowStart[i + 1]!; p++) {
        const j = this.neighbour[p]!;
        if (this.touched[j] === 0) {
          this.touched[j] = 1;
          touched.push(j);
        }
        scores[j]! += weight * this.weight[p]!;
      }
    }
    const best = topK(scores, k, {
      candidates: touched,
      accept: (j) => !exclude.has(this.items[j]!),
    });
    const result = new Map(
      best.map((j) => [j, { itemId: this.items[j]!, score: scores[j]!, because: [] }]),
    );
    for (const j of touched) {
      scores[j] = 0;
      this.touched[j] = 0;
    }
    this.explain(result, sources);
    return [...result.values()];
  }

  /** Second pass over the history, touching only the chosen items: cheaper than keeping every pair. */
  private explain(result: Map<number, ScoredItem>, sources: readonly [number, number][]): void {
    for (const [i, weight] of sources) {
      for (let p = this.rowStart[i]!; p < this.rowStart[i + 1]!; p++) {
        const chosen = result.get(this.neighbour[p]!);
        // A negative weight lowers a score; it is no reason to recommend.
        if (chosen && this.weight[p]! * weight > 0) {
          chosen.because.push({ itemId: this.items[i]!, contribution: weight * this.weight[p]! });
        }
      }
    }
    for (const chosen of result.values()) {
      chosen.because.sort((a, b) => b.contribution - a.contribution);
      chosen.because.length = Math.min(chosen.because.length, BECAUSE);
    }
  }

  /**
   * A compact little-endian image for a bytea column: a 24-byte header, each id's UTF-8 length
   * and bytes, then the row offsets, neighbour indexes (16-bit while the catalogue fits) and
   * float32 weights. 10,000 items × 200 neighbours take 12 MB.
   */
  serialize(): Buffer {
    assertLittleEndian();
    const encoded = this.items.map((item) => Buffer.from(item, 'utf8'));
    const idBytes = encoded.reduce((sum, bytes) => sum + bytes.length, 0);
    const n = this.items.length;
    const indexBytes = this.neighbour.BYTES_PER_ELEMENT;
    const layout = sections(n, idBytes, this.weight.length, indexBytes);
    const out = Buffer.alloc(layout.total);
    const header = new DataView(out.buffer, out.byteOffset, HEADER_BYTES);
    [MAGIC, VERSION, n, this.weight.length, idBytes, indexBytes].forEach((value, field) =>
      header.setUint32(field * 4, value, true),
    );
    let at = layout.ids;
    encoded.forEach((bytes, i) => {
      out.writeUInt32LE(bytes.length, layout.idLengths + 4 * i);
      out.set(bytes, at);
      at += bytes.length;
    });
    out.set(
      new Uint8Array(this.rowStart.buffer, this.rowStart.byteOffset, 4 * (n + 1)),
      layout.rows,
    );
    out.set(
      new Uint8Array(this.neighbour.buffer, this.neighbour.byteOffset, this.neighbour.byteLength),
      layout.neighbours,
    );
    out.set(
      new Uint8Array(this.weight.buffer, this.weight.byteOffset, this.weight.byteLength),
      layout.weights,
    );
    return out;
  }

  /** Reads what `serialize` wrote; throws on anything else (wrong magic, version or length). */
  static deserialize(buffer: Uint8Array): ItemItemModel {
    assertLittleEndian();
    if (buffer.byteLength < HEADER_BYTES) {
      throw new Error('ItemItemModel.deserialize: too short for a header');
    }
    const header = new DataView(buffer.buffer, buffer.byteOffset, HEADER_BYTES);
    const [magic, version, n, edges, idBytes, indexBytes] = [0, 1, 2, 3, 4, 5].map((field) =>
      header.getUint32(field * 4, true),
    ) as [number, number, number, number, number, number];
    if (magic !== MAGIC || version !== VERSION || (indexBytes !== 2 && indexBytes !== 4)) {
      throw new Error('ItemItemModel.deserialize: not an item-item model of version 1');
    }
    const layout = sections(n, idBytes, edges, indexBytes);
    if (buffer.byteLength !== layout.total) {
      throw new Error(
        `ItemItemModel.deserialize: expected ${layout.total} bytes, got ${buffer.byteLength}`,
      );
    }
    // Copies into fresh, aligned arrays: a Buffer from a pool or a driver may start anywhere.
    const copy = (from: number, bytes: number) =>
      buffer.buffer.slice(buffer.byteOffset + from, buffer.byteOffset + from + bytes);
    const decoder = new TextDecoder();
    const lengths = new Uint32Array(copy(layout.idLengths, 4 * n));
    const items: string[] = [];
    let at = layout.ids;
    for (const length of lengths) {
      items.push(decoder.decode(buffer.subarray(at, at + length)));
      at += length;
    }
    const rowStart = new Uint32Array(copy(layout.rows, 4 * (n + 1)));
    const neighbour =
      indexBytes === 2
        ? new Uint16Array(copy(layout.neighbours, 2 * edges))
        : new Uint32Array(copy(layout.neighbours, 4 * edges));
    const weight = new Float32Array(copy(layout.weights, 4 * edges));
    return new ItemItemModel(items, rowStart, neighbour, weight);
  }
}

/** Byte offsets of each section; every typed section starts 4-byte aligned. */
function sections(n: number, idBytes: number, edges: number, indexBytes: number) {
  const align = (offset: number) => Math.ceil(offset / 4) * 4;
  const idLengths = HEADER_BYTES;
  const ids = idLengths + 4 * n;
  const rows = align(ids + idBytes);
  const neighbours = rows + 4 * (n + 1);
  const weights = align(neighbours + indexBytes * edges);
  return { idLengths, ids, rows, neighbours, weights, total: weights + 4 * edges };
}

/** The typed sections are copied as raw memory, which is little-endian on every platform we run. */
function assertLittleEndian(): void {
  if (endianness() !== 'LE') {
    throw new Error('ItemItemModel: serialisation supports little-endian hosts only');
  }
}
