// How job-type management, dry-runs and test cases answer a compile failure: 422 with the
// compile error (kind, message, location, problems, and the log printed before the failure),
// so the studio can mark the line. An outdated `type_etag` is Flamenco's 412, and a job that is
// not a valid submission at all is a bad request.

import type { CompileError, CompileErrorKind } from '@tablao/compiler';
import { HttpError } from '../http/http-error.ts';

export function compileErrorReply(error: CompileError): HttpError {
  const { message, ...details } = error.toJSON();
  const status = error.kind === 'etag' ? 412 : error.kind === 'submission' ? 400 : 422;
  return new HttpError(status, message, details);
}

/** A compile error as the API writes it in catalogs and tests (`CompileError`). */
export interface CompileErrorBody {
  code: number;
  kind: CompileErrorKind;
  message: string;
  location?: { file: string; line: number; column: number };
  problems?: { setting: string; message: string }[];
}

/** The compile error's body, without the log (a test compares what was refused and where). */
export function compileErrorBody(error: CompileError, code = 422): CompileErrorBody {
  const { log: _log, ...rest } = error.toJSON();
  return { code, ...rest };
}
