// Text the database keeps as it is: PostgreSQL cannot store a NUL character, and both
// databases would silently replace a lone UTF-16 surrogate, storing something other than what
// was sent (and checked). Such text is refused rather than changed.

import { badRequest } from '../http/http-error.ts';

/** Throws a 400 naming the first field (of those given) that cannot be stored as it is. */
export function requireStorableText(fields: Record<string, string | undefined>): void {
  for (const [field, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if (value.includes('\0')) {
      throw badRequest(`"${field}" contains a NUL character (\\u0000), which the manager cannot store; remove it (in a script, write "\\0" inside strings instead)`);
    }
    if (!value.isWellFormed()) {
      throw badRequest(`"${field}" contains a lone UTF-16 surrogate (half of a \\uXXXX pair), which is not text the manager can store; remove it or complete the pair`);
    }
  }
}
