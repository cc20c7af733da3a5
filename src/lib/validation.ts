import { validateSync, type ValidationError } from 'class-validator';

/**
 * Validates one item of a batch the way type-graphql validates a single argument, but returns
 * the reason instead of throwing, so a batch can reject that item alone.
 *
 * @returns what is wrong, in one line, or null when the item is valid.
 */
export function validationFailure(item: object): string | null {
  const violations = validateSync(item, { forbidUnknownValues: false });
  return violations.length === 0 ? null : describeViolations(violations);
}

function describeViolations(violations: readonly ValidationError[], path = ''): string {
  return violations
    .flatMap((v) => {
      const at = path === '' ? v.property : `${path}.${v.property}`;
      const own = Object.values(v.constraints ?? {}).map((message) =>
        path === '' ? message : `${path}.${message}`,
      );
      const nested = v.children?.length ? [describeViolations(v.children, at)] : [];
      return [...own, ...nested];
    })
    .join('; ');
}
