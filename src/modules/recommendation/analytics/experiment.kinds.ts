import { z } from 'zod';

import { CandidateSource } from '../recommendation.kinds.js';

/** The variant every customer not routed elsewhere is in: the default blend. */
export const CONTROL_VARIANT = 'control';

/** A variant of the recommender: its share of customers and the blend weights it changes. */
export interface RecommendationVariant {
  readonly name: string;
  /** Share of customers routed to it, in (0, 1]. */
  readonly share: number;
  /** Weights that replace DEFAULT_WEIGHTS (blend.ts) for these sources; others keep theirs. */
  readonly weights: Readonly<Partial<Record<CandidateSource, number>>>;
}

const SOURCES = new Set<string>(Object.values(CandidateSource));
const NAME = /^[a-z][a-z0-9_-]{0,31}$/;

const Variant = z.strictObject({
  name: z
    .string()
    .regex(NAME, 'a variant name is a lower-case letter, then up to 31 letters, digits, _ or -')
    .refine((name) => name !== CONTROL_VARIANT, `"${CONTROL_VARIANT}" names the default blend`),
  share: z.number().gt(0, 'share must be above 0').max(1, 'share must be at most 1'),
  weights: z.record(z.string(), z.number().min(0).max(100)).superRefine((weights, ctx) => {
    for (const source of Object.keys(weights)) {
      if (!SOURCES.has(source)) {
        ctx.addIssue({
          code: 'custom',
          message: `unknown source "${source}"; sources are ${[...SOURCES].join(', ')}`,
        });
      }
    }
  }),
});

/**
 * RECOMMENDATION_VARIANTS: a JSON list of variants, e.g.
 * `[{"name":"pop-heavy","share":0.2,"weights":{"POPULARITY":0.6}}]`. Unset or blank: none.
 * Names are unique, shares sum to at most 1, weights name known sources.
 */
export const RecommendationVariants = z
  .string()
  .optional()
  .transform((text, ctx): unknown => {
    if (text === undefined || text.trim() === '') {
      return [];
    }
    try {
      return JSON.parse(text);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON list of variants' });
      return z.NEVER;
    }
  })
  .pipe(
    z
      .array(Variant, 'must be a JSON list of variants')
      .max(20)
      .superRefine((variants, ctx) => {
        const names = variants.map((v) => v.name);
        const twice = names.filter((name, i) => names.indexOf(name) !== i);
        if (twice.length > 0) {
          ctx.addIssue({ code: 'custom', message: `variant names repeat: ${twice.join(', ')}` });
        }
        const total = variants.reduce((sum, v) => sum + v.share, 0);
        // A little slack for decimal shares such as 0.1 + 0.2 + 0.7.
        if (total > 1 + 1e-9) {
          ctx.addIssue({ code: 'custom', message: `shares sum to ${total}, more than 1` });
        }
      }),
  )
  .transform((variants): RecommendationVariant[] =>
    variants.map((v) => ({
      name: v.name,
      share: v.share,
      weights: v.weights as Partial<Record<CandidateSource, number>>,
    })),
  );
