import { type Interaction } from './interactions.js';

/** What the catalogue says of an item that the collaborative model can learn from. */
export interface ItemFeatures {
  id: string;
  categories: readonly string[];
  keywords: readonly string[];
}

/**
 * Side information as extra rows of X (collective EASE, Jeunen, Van Balen & Goethals 2020,
 * "Closed-form models for collaborative filtering with side-information"): one pseudo-user per
 * category and per keyword, who "chose" every item carrying it, at `weight` against a real
 * positive's 1. Items that share features then look alike to the model even when few customers
 * connect them, and an item nobody has bought yet still gets weights through its features.
 * Keywords are compared case-insensitively; ids of pseudo-users cannot clash with customers'
 * (a customer id never starts with `\u0000`).
 */
export function featureRows(items: readonly ItemFeatures[], weight: number): Interaction[] {
  if (weight === 0) {
    return [];
  }
  const rows: Interaction[] = [];
  for (const item of items) {
    const features = new Set([
      ...item.categories.map((category) => `\u0000category:${category}`),
      ...item.keywords.map((keyword) => `\u0000keyword:${keyword.toLowerCase()}`),
    ]);
    for (const userId of features) {
      rows.push({ userId, itemId: item.id, weight });
    }
  }
  return rows;
}
