import { createHash } from 'node:crypto';

import { normalizeInPlace } from '../../../lib/unit-vector.js';
import { randomizedSvd } from './randomized-svd.js';
import { sparseRows } from './sparse-rows.js';
import { TOKENIZER_VERSION, tokenize } from './tokenize.js';

/** A text to learn the vocabulary and its latent directions from: a product, a movie, ... */
export interface TextDocument {
  readonly id: string;
  readonly text: string;
}

export interface FitTextVectorsOptions {
  /** Wanted size of the vectors; fewer when the vocabulary or the documents are fewer. */
  readonly dimensions?: number;
  /** Seeds the random projection, so the same documents always give the same model. */
  readonly seed?: number;
  /** Terms found in a larger share of the documents say nothing about any of them. */
  readonly maxDocumentFrequency?: number;
}

/**
 * Fits local text vectors (latent semantic analysis): a vocabulary of the documents' terms
 * ({@link tokenize}), dropping terms found in more than `maxDocumentFrequency` of them (50 %);
 * TF-IDF weights with sublinear term frequency (1 + ln tf) and smoothed idf
 * (ln((1 + n) / (1 + df)) + 1), each document's row scaled to unit length; then a truncated
 * SVD of that documents × terms matrix by randomized SVD. The vectors have min(dimensions,
 * vocabulary size, number of documents) dimensions: LSA finds no more independent directions
 * than either.
 *
 * Pure and deterministic: documents are taken in id order, so their order does not matter.
 *
 * @throws RangeError when no document has a term left in the vocabulary.
 */
export function fitTextVectors(
  documents: readonly TextDocument[],
  options: FitTextVectorsOptions = {},
): TextVectorModel {
  const sorted = [...documents].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const termCounts = sorted.map((document) => countTerms(tokenize(document.text)));

  const documentFrequency = new Map<string, number>();
  for (const counts of termCounts) {
    for (const term of counts.keys()) {
      documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);
    }
  }
  const maxDf = Math.max(1, Math.floor((options.maxDocumentFrequency ?? 0.5) * sorted.length));
  const vocabulary = [...documentFrequency]
    .filter(([, df]) => df <= maxDf)
    .map(([term]) => term)
    .sort();
  const index = new Map(vocabulary.map((term, i) => [term, i]));
  const idf = Float32Array.from(
    vocabulary,
    (term) => Math.log((1 + sorted.length) / (1 + documentFrequency.get(term)!)) + 1,
  );

  const rows = termCounts
    .map((counts) => tfIdf(counts, index, idf))
    .filter((row) => row.length > 0)
    .map((row) => {
      const norm = Math.sqrt(row.reduce((sum, [, weight]) => sum + weight * weight, 0));
      return row.map(([term, weight]) => [term, weight / norm] as const);
    });
  if (rows.length === 0) {
    throw new RangeError('fitTextVectors needs at least one document with a vocabulary term');
  }
  const matrix = sparseRows(vocabulary.length, rows);
  const dimensions = Math.min(options.dimensions ?? 64, vocabulary.length, rows.length);
  const { rightVectors } = randomizedSvd(matrix, { rank: dimensions, seed: options.seed ?? 42 });
  return new TextVectorModel({
    vocabulary,
    idf,
    basis: Float32Array.from(rightVectors),
    dimensions,
  });
}

/** What a fitted model consists of; everything else is derived. */
export interface TextVectorModelParts {
  /** Sorted terms. */
  readonly vocabulary: readonly string[];
  readonly idf: Float32Array;
  /** Row-major vocabulary × dimensions: each term's direction in the latent space. */
  readonly basis: Float32Array;
  readonly dimensions: number;
}

const MAGIC = 0x43545856; // 'CTXV'
const FORMAT_VERSION = 1;
const HEADER_BYTES = 20;

/**
 * Fitted local text vectors. {@link embed} folds a new text in: its TF-IDF vector projected on
 * the term basis, scaled to unit length. The same text always gives the same vector, on every
 * instance that loaded the same serialized model.
 */
export class TextVectorModel {
  /**
   * 'local-text:v1-' + the first 12 hex digits of the SHA-256 of the serialized model, so a
   * refit (new vocabulary, weights or basis) gets a new name and its vectors are never
   * compared with the old ones.
   */
  readonly name: string;
  readonly dimensions: number;
  private readonly index: Map<string, number>;
  private readonly bytes: Buffer;

  constructor(private readonly parts: TextVectorModelParts) {
    const { vocabulary, idf, basis, dimensions } = parts;
    if (idf.length !== vocabulary.length || basis.length !== vocabulary.length * dimensions) {
      throw new RangeError('vocabulary, idf and basis sizes disagree');
    }
    this.dimensions = dimensions;
    this.index = new Map(vocabulary.map((term, i) => [term, i]));
    this.bytes = encode(parts);
    const hash = createHash('sha256').update(this.bytes).digest('hex').slice(0, 12);
    this.name = `local-text:v${FORMAT_VERSION}-${hash}`;
  }

  get vocabularySize(): number {
    return this.parts.vocabulary.length;
  }

  /**
   * A unit vector for `text`, or the zero vector when it has no vocabulary term.
   *
   * The projection is Vᵀ·x, not Σ⁻¹·Vᵀ·x: a fitted document lands on its row of U·Σ (as with
   * scikit-learn's TruncatedSVD.transform), while dividing by Σ would inflate the weakest,
   * noisiest directions until they decide the cosine.
   */
  embed(text: string): Float32Array {
    const { idf, basis, dimensions } = this.parts;
    const sum = new Float64Array(dimensions);
    for (const [term, weight] of tfIdf(countTerms(tokenize(text)), this.index, idf)) {
      for (let d = 0; d < dimensions; d += 1) {
        sum[d]! += weight * basis[term * dimensions + d]!;
      }
    }
    return Float32Array.from(normalizeInPlace(sum));
  }

  /** The model as bytes (for a bytea column); {@link deserialize} reads them back. */
  serialize(): Buffer {
    return Buffer.from(this.bytes);
  }

  /**
   * @throws Error when the bytes are not a model of this format, or were fitted with another
   *   tokenizer (refit it: its terms would not match what new text is split into).
   */
  static deserialize(bytes: Uint8Array): TextVectorModel {
    return new TextVectorModel(decode(bytes));
  }
}

function countTerms(terms: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const term of terms) {
    counts.set(term, (counts.get(term) ?? 0) + 1);
  }
  return counts;
}

/** [term index, (1 + ln tf)·idf] of the counted terms that are in the vocabulary. */
function tfIdf(
  counts: ReadonlyMap<string, number>,
  index: ReadonlyMap<string, number>,
  idf: Float32Array,
): [number, number][] {
  const weights: [number, number][] = [];
  for (const [term, count] of counts) {
    const i = index.get(term);
    if (i !== undefined) {
      weights.push([i, (1 + Math.log(count)) * idf[i]!]);
    }
  }
  return weights.sort((a, b) => a[0] - b[0]);
}

/**
 * Little-endian: magic, format version (u16), tokenizer version (u16), dimensions, vocabulary
 * size, vocabulary byte length (u32 each); the terms as UTF-8 joined by '\n' (a term never
 * holds one), zero-padded to 4 bytes; idf (f32 each); the basis (f32, row-major).
 */
function encode({ vocabulary, idf, basis, dimensions }: TextVectorModelParts): Buffer {
  const terms = Buffer.from(vocabulary.join('\n'), 'utf8');
  const padded = Math.ceil(terms.length / 4) * 4;
  const bytes = Buffer.alloc(HEADER_BYTES + padded + 4 * (idf.length + basis.length));
  bytes.writeUInt32LE(MAGIC, 0);
  bytes.writeUInt16LE(FORMAT_VERSION, 4);
  bytes.writeUInt16LE(TOKENIZER_VERSION, 6);
  bytes.writeUInt32LE(dimensions, 8);
  bytes.writeUInt32LE(vocabulary.length, 12);
  bytes.writeUInt32LE(terms.length, 16);
  terms.copy(bytes, HEADER_BYTES);
  let offset = HEADER_BYTES + padded;
  for (const values of [idf, basis]) {
    for (const value of values) {
      offset = bytes.writeFloatLE(value, offset);
    }
  }
  return bytes;
}

function decode(input: Uint8Array): TextVectorModelParts {
  const bytes = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const invalid = (why: string) => new Error(`not a c360 local text-vector model: ${why}`);
  if (bytes.length < HEADER_BYTES || bytes.readUInt32LE(0) !== MAGIC) {
    throw invalid('unknown header');
  }
  if (bytes.readUInt16LE(4) !== FORMAT_VERSION) {
    throw invalid(`format version ${bytes.readUInt16LE(4)}, expected ${FORMAT_VERSION}`);
  }
  if (bytes.readUInt16LE(6) !== TOKENIZER_VERSION) {
    throw invalid(`fitted with tokenizer ${bytes.readUInt16LE(6)}; refit it`);
  }
  const dimensions = bytes.readUInt32LE(8);
  const size = bytes.readUInt32LE(12);
  const termBytes = bytes.readUInt32LE(16);
  const start = HEADER_BYTES + Math.ceil(termBytes / 4) * 4;
  if (bytes.length !== start + 4 * size * (1 + dimensions)) {
    throw invalid(`${bytes.length} bytes do not fit ${size} terms × ${dimensions} dimensions`);
  }
  const text = bytes.toString('utf8', HEADER_BYTES, HEADER_BYTES + termBytes);
  const vocabulary = size === 0 ? [] : text.split('\n');
  if (vocabulary.length !== size) {
    throw invalid(`${vocabulary.length} terms, expected ${size}`);
  }
  const floats = (from: number, count: number) =>
    Float32Array.from({ length: count }, (_, i) => bytes.readFloatLE(from + 4 * i));
  return {
    vocabulary,
    idf: floats(start, size),
    basis: floats(start + 4 * size, size * dimensions),
    dimensions,
  };
}
