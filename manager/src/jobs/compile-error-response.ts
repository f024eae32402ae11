// How a compile failure is answered over HTTP: Flamenco's status codes (412 for an outdated
// job type, 400 for everything else), with the compile error's details in the body.

import type { CompileError } from '@tablao/compiler';
import { HttpError } from '../http/http-error.ts';

export function compileErrorResponse(error: CompileError): HttpError {
  const details = error.toJSON();
  const { message, ...rest } = details;
  return new HttpError(error.kind === 'etag' ? 412 : 400, message, rest);
}
