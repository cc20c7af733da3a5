import { ArrayMaxSize, IsOptional, MaxLength } from 'class-validator';

/** Keywords one product, content item or profile may carry; the tables check the same bound. */
export const MAX_KEYWORDS = 50;
/** Characters of one keyword, as sent (before trimming). */
export const MAX_KEYWORD_LENGTH = 64;

/**
 * The class-validator rules of an optional keyword list input: at most {@link MAX_KEYWORDS}
 * entries of at most {@link MAX_KEYWORD_LENGTH} characters. A longer list is rejected rather
 * than cut, so a client never loses keywords without being told.
 */
export function KeywordList(): PropertyDecorator {
  const rules = [
    IsOptional(),
    ArrayMaxSize(MAX_KEYWORDS),
    MaxLength(MAX_KEYWORD_LENGTH, { each: true }),
  ];
  return (target, property) => rules.forEach((rule) => rule(target, property));
}

/**
 * Keywords as stored: trimmed, inner white space collapsed, lower-cased (Unicode NFC), empty
 * ones dropped, each kept once in first-seen order. Stored lists compare equal exactly when
 * they mean the same, and matching keywords across products, content and profiles is plain
 * equality.
 */
export function normalizeKeywords(keywords: readonly string[] | null | undefined): string[] {
  const normalized = (keywords ?? []).map((keyword) =>
    keyword.normalize('NFC').trim().replace(/\s+/gu, ' ').toLowerCase(),
  );
  return [...new Set(normalized.filter((keyword) => keyword !== ''))];
}
