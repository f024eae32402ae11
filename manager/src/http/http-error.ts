// Errors a handler or middleware raises on purpose: a status, and a message for people that
// says what is wrong and how to fix it. Rendered as Flamenco's `Error` body {code, message}.

export class HttpError extends Error {
  readonly status: number;
  /** Extra fields for the body, e.g. a compile error's kind and location. */
  readonly details: Record<string, unknown>;
  readonly headers: Record<string, string>;

  constructor(status: number, message: string, details: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
    this.details = details;
    this.headers = headers;
  }
}

export const badRequest = (message: string, details?: Record<string, unknown>) => new HttpError(400, message, details);
export const notFound = (message: string) => new HttpError(404, message);
export const conflict = (message: string, details?: Record<string, unknown>) => new HttpError(409, message, details);
export const unprocessable = (message: string, details?: Record<string, unknown>) => new HttpError(422, message, details);
