import type { Rule } from './rule.js';

/** The usual triggers, as rules a marketer can start from (and read back). */
export enum SegmentTemplateName {
  CART_ABANDONED = 'CART_ABANDONED',
  INTERESTED_IN_CATEGORY = 'INTERESTED_IN_CATEGORY',
  LAPSED_BUYER = 'LAPSED_BUYER',
  NEW_ARRIVAL_INTEREST = 'NEW_ARRIVAL_INTEREST',
  BACK_IN_STOCK_INTEREST = 'BACK_IN_STOCK_INTEREST',
  WEEKLY_DIGEST = 'WEEKLY_DIGEST',
}

export interface TemplateParameters {
  category?: string | null;
  days?: number | null;
}

export interface TemplateInfo {
  name: SegmentTemplateName;
  description: string;
  /** Which parameters it takes, and the default `days`. */
  needsCategory: boolean;
  defaultDays: number;
}

const DAY = 1440;

export const TEMPLATES: readonly TemplateInfo[] = [
  {
    name: SegmentTemplateName.CART_ABANDONED,
    description:
      'Added to the cart over 2 hours ago, within the last `days` (default 7), and bought nothing since.',
    needsCategory: false,
    defaultDays: 7,
  },
  {
    name: SegmentTemplateName.INTERESTED_IN_CATEGORY,
    description:
      'Viewed, carted or wishlisted at least 2 products of `category` in the last `days` (default 30).',
    needsCategory: true,
    defaultDays: 30,
  },
  {
    name: SegmentTemplateName.LAPSED_BUYER,
    description: 'Bought before, but nothing in the last `days` (default 90).',
    needsCategory: false,
    defaultDays: 90,
  },
  {
    name: SegmentTemplateName.NEW_ARRIVAL_INTEREST,
    description:
      'Viewed or wishlisted, in the last 30 days, products that arrived in the last `days` (default 14), in `category` when given.',
    needsCategory: false,
    defaultDays: 14,
  },
  {
    name: SegmentTemplateName.BACK_IN_STOCK_INTEREST,
    description:
      'Wishlisted, viewed or removed from the cart, in the last 30 days, a product back in stock within the last `days` (default 7).',
    needsCategory: false,
    defaultDays: 7,
  },
  {
    name: SegmentTemplateName.WEEKLY_DIGEST,
    description:
      'Active (any event) in the last `days` (default 7) and consenting to marketing: the weekly digest audience.',
    needsCategory: false,
    defaultDays: 7,
  },
];

/** The rule a template stands for, with its parameters filled in (checked by the caller). */
export function templateRule(name: SegmentTemplateName, p: TemplateParameters): Rule {
  const info = TEMPLATES.find((t) => t.name === name)!;
  const days = p.days ?? info.defaultDays;
  const category = p.category ?? undefined;
  switch (name) {
    case SegmentTemplateName.CART_ABANDONED:
      return {
        followUpMissing: {
          type: 'cart_add',
          followedBy: 'purchase',
          olderThanMinutes: 120,
          withinMinutes: days * DAY,
        },
      };
    case SegmentTemplateName.INTERESTED_IN_CATEGORY:
      return {
        productInteraction: {
          types: ['view', 'cart_add', 'wishlist_add'],
          category: category!,
          minCount: 2,
          window: { lastMinutes: days * DAY },
        },
      };
    case SegmentTemplateName.LAPSED_BUYER:
      return {
        all: [
          {
            event: {
              type: 'purchase',
              where: [],
              aggregate: 'count',
              op: 'greaterOrEqual',
              value: 1,
            },
          },
          {
            event: {
              type: 'purchase',
              where: [],
              aggregate: 'count',
              op: 'equals',
              value: 0,
              window: { lastMinutes: days * DAY },
            },
          },
        ],
      };
    case SegmentTemplateName.NEW_ARRIVAL_INTEREST:
      return {
        productInteraction: {
          types: ['view', 'wishlist_add'],
          ...(category !== undefined ? { category } : {}),
          newArrivalDays: days,
          minCount: 1,
          window: { lastMinutes: 30 * DAY },
        },
      };
    case SegmentTemplateName.BACK_IN_STOCK_INTEREST:
      return {
        productInteraction: {
          types: ['wishlist_add', 'view', 'cart_remove'],
          restockedDays: days,
          minCount: 1,
          window: { lastMinutes: 30 * DAY },
        },
      };
    case SegmentTemplateName.WEEKLY_DIGEST:
      return {
        all: [
          {
            event: {
              where: [],
              aggregate: 'count',
              op: 'greaterOrEqual',
              value: 1,
              window: { lastMinutes: days * DAY },
            },
          },
          { consent: { purpose: 'marketing', granted: true } },
        ],
      };
  }
}
