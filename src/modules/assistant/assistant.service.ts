import { createHash } from 'node:crypto';

import { coerceInputValue, type GraphQLInputType } from 'graphql';

import type { GraphQLContext } from '../../context.js';
import { type TextModel, TextModelError, type TextRequest } from '../../datasources/text-model.js';
import { ErrorCode, GatewayError } from '../../errors.js';
import { assertUuid } from '../../lib/ids.js';
import type { Logger } from '../../logger.js';
import { Scope } from '../access/access.kinds.js';
import type { PiiMasking } from '../access/pii.masking.js';
import type { Product } from '../catalog/catalog.type.js';
import { ConsentPurpose } from '../consent/consent.kinds.js';
import type { DiscoveryService } from '../recommendation/discovery/discovery.service.js';
import type { SegmentRuleInput } from '../segment/segment-rule.inputs.js';
import type { SegmentService } from '../segment/segment.service.js';
import {
  type Answer,
  AnswerSource,
  CitationKind,
  type Fact,
  type Statement,
  TEMPLATE_MODEL,
} from './assistant.kinds.js';
import { segmentFrom, statementsFrom, unique } from './assistant.output.js';
import {
  PROMPT_VERSION,
  productRequest,
  questionRequest,
  segmentRequest,
  summaryRequest,
} from './assistant.prompts.js';
import { templateAnswer, templateProducts, templateSummary } from './assistant.templates.js';
import { customerFacts } from './customer-facts.js';
import { loadCustomerRecord } from './customer-record.js';
import { segmentFromPhrases } from './segment-phrases.js';
import type { SummaryCache } from './summary.cache.js';

export interface AssistantServiceDeps {
  /** `null` without GEMINI_API_KEY: every answer is written by templates. */
  model: TextModel | null;
  cache: SummaryCache;
  masking: PiiMasking;
  discovery: DiscoveryService;
  segments: SegmentService;
  maxQuestionLength: number;
  maxGenerationsPerOperation: number;
  logger: Logger;
}

/** Products retrieved for `askProducts`: the only ones the model may choose among. */
const PRODUCTS_RETRIEVED = 8;

/** A proposed segment's preview shows this many members. */
const SEGMENT_SAMPLE = 10;

export interface ProductAnswer {
  answer: Answer;
  matches: { productId: string; score: number }[];
}

export interface SegmentSuggestion {
  /** The rule as GraphQL input (pass it to `defineSegment`), or null when none was made. */
  rule: unknown;
  explanation: string;
  preview: { size: number; evaluated: number; sampleIds: string[] } | null;
  model: string;
  source: AnswerSource;
  generatedAt: Date;
}

/**
 * Summaries and answers from customer data. Every path follows the same order: check the
 * input, check the subject's `ai` consent (nothing is read or sent without it), gather the
 * facts as the caller's key may read them, then let the model (or the templates) write from
 * those facts alone, and keep only what cites them.
 */
export class AssistantService {
  private readonly log: Logger;
  /** Model calls per operation so far (contexts are per operation, and die with it). */
  private readonly generations = new WeakMap<GraphQLContext, number>();

  constructor(private readonly deps: AssistantServiceDeps) {
    this.log = deps.logger.child({ module: 'assistant.service' });
  }

  /** The customer's summary, from the cache while their data (as this key reads it) holds. */
  async summary(ctx: GraphQLContext, customerId: string): Promise<Answer> {
    const facts = await this.consentedFacts(ctx, customerId, 'Customer.summary');
    const version = createHash('sha256')
      .update(JSON.stringify([PROMPT_VERSION, this.modelName, facts]))
      .digest('base64url');
    const cached = await this.deps.cache.get(customerId, version);
    if (cached !== undefined) {
      return cached;
    }
    const summary = await this.write(
      ctx,
      facts,
      () => summaryRequest(facts),
      () => templateSummary(facts),
    );
    await this.deps.cache.put(customerId, version, summary);
    return summary;
  }

  /** A question about one customer, answered from their facts. */
  async ask(ctx: GraphQLContext, customerId: string, question: string): Promise<Answer> {
    const asked = this.checkedQuestion(question);
    const facts = await this.consentedFacts(ctx, customerId, 'Query.ask');
    return this.write(
      ctx,
      facts,
      () => questionRequest(facts, asked),
      () => templateAnswer(facts, asked),
      "The customer's data does not answer this question.",
    );
  }

  /** Catalogue search (vectors and keywords), then a choice among the products found only. */
  async askProducts(ctx: GraphQLContext, question: string): Promise<ProductAnswer> {
    const asked = this.checkedQuestion(question);
    const matches = await this.deps.discovery.search(asked, PRODUCTS_RETRIEVED);
    const products = await Promise.all(
      matches.map((m) => ctx.loaders.productById.load(m.productId)),
    );
    const facts = products.flatMap((product) => (product === null ? [] : [productFact(product)]));
    const answer = await this.write(
      ctx,
      facts,
      () => productRequest(facts, asked),
      () => templateProducts(facts),
      'No product in the catalogue matches this question.',
    );
    return {
      answer,
      matches: matches.map((m) => ({ productId: m.productId, score: m.score })),
    };
  }

  /**
   * A segment rule from a description, checked as `defineSegment` would check it and
   * previewed, never saved. Without a model, templates read common phrasings only; for any
   * other description there is no rule, and the answer says so.
   *
   * @param ruleType the schema's SegmentRuleInput, so the proposal is checked exactly as a
   *   client's rule would be.
   */
  async askSegment(
    ctx: GraphQLContext,
    question: string,
    ruleType: GraphQLInputType,
  ): Promise<SegmentSuggestion> {
    const asked = this.checkedQuestion(question);
    const generatedAt = new Date();
    const source = this.deps.model === null ? AnswerSource.TEMPLATE : AnswerSource.MODEL;
    const proposal =
      this.deps.model === null
        ? templateSegment(asked)
        : await this.generate(ctx, segmentRequest(asked), segmentFrom);
    if (proposal === null) {
      return {
        rule: null,
        explanation:
          'The templates understand only common phrasings (e.g. "bought at least 2 times in the last 30 days and consented to marketing"); any other description needs a language model (GEMINI_API_KEY). segmentTemplates lists ready-made rules.',
        preview: null,
        model: this.modelName,
        source,
        generatedAt,
      };
    }
    let input: SegmentRuleInput;
    try {
      input = coerceInputValue(proposal.rule, ruleType) as SegmentRuleInput;
    } catch (error) {
      throw new GatewayError(
        ErrorCode.INVALID_SEGMENT_RULE,
        `the proposed rule is not valid: ${error instanceof Error ? error.message : 'unknown problem'}`,
        { extensions: { reason: 'INVALID_VALUE', path: 'rule' } },
      );
    }
    const preview = await this.deps.segments.preview(input, SEGMENT_SAMPLE);
    return {
      rule: proposal.rule,
      explanation: proposal.explanation,
      preview,
      model: this.modelName,
      source,
      generatedAt,
    };
  }

  private get modelName(): string {
    return this.deps.model?.model ?? TEMPLATE_MODEL;
  }

  /**
   * The facts of a customer who consented to `ai`, as the caller's key may read them.
   *
   * @throws GatewayError NOT_FOUND for an unknown customer, FORBIDDEN without `ai` consent.
   */
  private async consentedFacts(
    ctx: GraphQLContext,
    customerId: string,
    coordinate: string,
  ): Promise<Fact[]> {
    const id = assertUuid(customerId, 'customerId');
    const consents = await ctx.loaders.consentsByCustomerId.load(id);
    const ai = consents.find((c) => c.purpose === ConsentPurpose.AI);
    if (ai?.granted !== true) {
      // Said only once the customer is known to exist, so consent does not reveal existence.
      if ((await ctx.loaders.customerById.load(id)) === null) {
        throw notFound(id);
      }
      throw new GatewayError(
        ErrorCode.FORBIDDEN,
        'the customer has not consented to the use of their data with a language model (consent purpose AI)',
        { extensions: { requiredConsent: 'AI' } },
      );
    }
    const record = await loadCustomerRecord(ctx.loaders, id);
    if (record === null) {
      throw notFound(id);
    }
    const unmasked = ctx.access.has(Scope.READ_PII);
    const facts = customerFacts(record, { masking: this.deps.masking, unmasked });
    if (facts.some((f) => f.personal)) {
      ctx.access.recordPiiRead(id, coordinate);
    }
    return facts;
  }

  /** Model or templates, the same facts and the same shape out. */
  private async write(
    ctx: GraphQLContext,
    facts: readonly Fact[],
    request: () => TextRequest,
    template: () => Statement[],
    whenNothing = 'Nothing is known about this customer yet.',
  ): Promise<Answer> {
    const statements =
      this.deps.model === null || facts.length === 0
        ? template()
        : await this.generate(ctx, request(), (output) => statementsFrom(output, facts));
    const texts = statements.length > 0 ? statements.map((s) => s.text) : [whenNothing];
    return {
      text: texts.join(' '),
      statements,
      citations: unique(statements.flatMap((s) => s.citations)),
      model: this.modelName,
      source: this.deps.model === null ? AnswerSource.TEMPLATE : AnswerSource.MODEL,
      generatedAt: new Date(),
    };
  }

  /** One model call and the reading of its answer; a failure of either is MODEL_UNAVAILABLE. */
  private async generate<T>(
    ctx: GraphQLContext,
    request: TextRequest,
    read: (output: unknown) => T,
  ): Promise<T> {
    const count = (this.generations.get(ctx) ?? 0) + 1;
    if (count > this.deps.maxGenerationsPerOperation) {
      throw new GatewayError(
        ErrorCode.BAD_USER_INPUT,
        `one operation may have the language model write at most ${this.deps.maxGenerationsPerOperation} summaries or answers; ask for fewer customers at once`,
        {
          extensions: {
            reason: 'TOO_MANY_GENERATIONS',
            max: this.deps.maxGenerationsPerOperation,
          },
        },
      );
    }
    this.generations.set(ctx, count);
    try {
      return read(await this.deps.model!.generateJson(request));
    } catch (error) {
      if (error instanceof TextModelError) {
        this.log.warn({ reason: error.reason, status: error.status }, 'model call failed');
        throw new GatewayError(
          ErrorCode.MODEL_UNAVAILABLE,
          error.reason === 'TIMEOUT'
            ? 'the language model did not answer in time'
            : 'the language model could not answer',
          { extensions: { reason: error.reason }, originalError: error },
        );
      }
      throw error;
    }
  }

  private checkedQuestion(question: string): string {
    const trimmed = question.trim();
    if (trimmed.length === 0 || trimmed.length > this.deps.maxQuestionLength) {
      throw new GatewayError(
        ErrorCode.BAD_USER_INPUT,
        `question must hold 1 to ${this.deps.maxQuestionLength} characters`,
        {
          extensions: {
            argument: 'question',
            reason: trimmed.length === 0 ? 'EMPTY' : 'TOO_LONG',
            maxLength: this.deps.maxQuestionLength,
          },
        },
      );
    }
    return trimmed;
  }
}

/** A product as the model sees it: what a shopper would read on its page, nothing more. */
function productFact(product: Product): Fact {
  const parts = [
    `"${product.name}"`,
    product.categories.length > 0 ? `in ${product.categories.map((c) => c.name).join(', ')}` : '',
    product.price === null ? '' : `at ${product.price} ${product.currency ?? ''}`.trim(),
    product.inStock ? 'in stock' : 'out of stock',
    product.keywords.length > 0 ? `(${product.keywords.join(', ')})` : '',
  ];
  return {
    citation: { kind: CitationKind.PRODUCT, id: product.id },
    text: parts.filter((part) => part !== '').join(' '),
    personal: false,
  };
}

/** A rule from common phrasings (no model), or null when the description is not understood. */
function templateSegment(description: string): { rule: unknown; explanation: string } | null {
  const read = segmentFromPhrases(description);
  return read && { rule: read.rule, explanation: `Read by the templates as: ${read.reading}.` };
}

function notFound(id: string): GatewayError {
  return new GatewayError(ErrorCode.NOT_FOUND, `no customer has the id ${id}`, {
    extensions: { argument: 'customerId' },
  });
}
