import { stemmer } from 'stemmer';
import stopword from 'stopword';

/**
 * Bumped whenever {@link tokenize} changes what it returns: a model fitted with other terms
 * would silently embed new text differently, so such a model refuses to load.
 */
export const TOKENIZER_VERSION = 1;

const STOP_WORDS = new Set(stopword.eng);
const WORD = /[\p{L}\p{N}]+/gu;
const DIGITS = /^\p{N}+$/u;
const ASCII_LETTERS = /^[a-z]+$/;

/**
 * The terms of a text, in order, repeats kept: NFKC-normalised, lower-cased runs of Unicode
 * letters and digits, without English stop words (stopword's list), one-character tokens and
 * digit-only tokens (years and sizes would tie unrelated items together), English words
 * reduced to their Porter stem so 'holiday' and 'holidays' are one term. Pure.
 */
export function tokenize(text: string): string[] {
  const terms: string[] = [];
  for (const [word] of text.normalize('NFKC').toLowerCase().matchAll(WORD)) {
    if (word.length < 2 || DIGITS.test(word) || STOP_WORDS.has(word)) {
      continue;
    }
    // The Porter stemmer knows English only; other scripts keep their words whole.
    terms.push(ASCII_LETTERS.test(word) ? stemmer(word) : word);
  }
  return terms;
}
