import { GraphQLError, type ValidationContext } from 'graphql';

/** `extensions.reason` of a validation error refusing an operation for its estimated cost. */
export const COST_LIMIT_EXCEEDED = 'COST_LIMIT_EXCEEDED';

/**
 * graphql-armor's cost-limit options, with its refusal reworded: armor labels it "Syntax
 * Error", though the document parsed fine. The error keeps Apollo's code
 * (GRAPHQL_VALIDATION_FAILED, HTTP 400) and adds `reason: COST_LIMIT_EXCEEDED`, the limit and
 * the operation's cost, so a client can tell it from other validation failures and shrink the
 * operation (fewer items per page, fewer nested lists).
 */
export function costLimitOptions(maxCost: number) {
  const refuse = (context: ValidationContext | null, armorError: GraphQLError) => {
    const cost = /found (\d+)/.exec(armorError.message)?.[1];
    context?.reportError(
      new GraphQLError(
        `the operation is too expensive: its estimated cost is ${cost ?? 'above the limit'}, the limit is ${maxCost}; ask for fewer items or fewer nested lists`,
        {
          extensions: {
            reason: COST_LIMIT_EXCEEDED,
            maxCost,
            ...(cost === undefined ? {} : { cost: Number(cost) }),
          },
        },
      ),
    );
  };
  return { maxCost, exposeLimits: true, propagateOnRejection: false, onReject: [refuse] };
}
