import type { RequestHandler } from 'express';

import { ErrorCode } from '../errors.js';

/*
 * A lone surrogate (`"\ud800"` in JSON) is valid JSON but not text: PostgreSQL refuses it and
 * validators throw on it, so it is refused at the door on both transports.
 */
/** In `u` mode a surrogate pair reads as one code point: only a lone surrogate matches. */
const LONE_SURROGATE = /\p{Surrogate}/u;

const wellFormed = (text: string) => !LONE_SURROGATE.test(text);

/** Deeper than any operation's variables need: JSON inputs are bounded at 16 levels. */
export const MAX_INPUT_DEPTH = 64;

/**
 * What is wrong with a request's input as a whole, or null: text that is not valid Unicode, or
 * nesting deeper than {@link MAX_INPUT_DEPTH} (walked without recursion, so a body nested
 * thousands of levels deep cannot exhaust the stack).
 */
export function inputProblem(value: unknown): string | null {
  const pending: [unknown, number][] = [[value, 0]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [node, depth] = next;
    if (depth > MAX_INPUT_DEPTH) {
      return `the request's input is nested deeper than ${MAX_INPUT_DEPTH} levels`;
    }
    if (typeof node === 'string') {
      if (!wellFormed(node)) {
        return MALFORMED_TEXT;
      }
    } else if (Array.isArray(node)) {
      node.forEach((child) => pending.push([child, depth + 1]));
    } else if (node !== null && typeof node === 'object') {
      for (const [key, child] of Object.entries(node)) {
        if (!wellFormed(key)) {
          return MALFORMED_TEXT;
        }
        pending.push([child, depth + 1]);
      }
    }
  }
  return null;
}

export const MALFORMED_TEXT = 'the request holds text that is not valid Unicode (a lone surrogate)';

/** Refuses an HTTP request whose input {@link inputProblem} faults, with 400 BAD_USER_INPUT. */
export function wellFormedBody(): RequestHandler {
  return (req, res, next) => {
    const problem = inputProblem(req.body);
    if (problem === null) {
      next();
      return;
    }
    res.status(400).json({
      errors: [{ message: problem, extensions: { code: ErrorCode.BAD_USER_INPUT } }],
    });
  };
}
