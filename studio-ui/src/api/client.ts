// The studio talks to the manager only through its public API, with the generated client.

import { createTablaoClient, type Schema } from '@tablao/api-client';

export type { Schema };

export const api = createTablaoClient(window.location.origin);

/** A refused request, with the manager's message (which says what to do about it). */
export class ApiError extends Error {
  readonly status: number;
  readonly body: unknown;

  constructor(status: number, message: string, body: unknown) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.body = body;
  }
}

interface ClientResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The answer's data, or an ApiError carrying the manager's message. */
export async function ok<T>(request: Promise<ClientResult<T>>): Promise<T> {
  let result: ClientResult<T>;
  try {
    result = await request;
  } catch (error) {
    throw new ApiError(0, `The manager cannot be reached (${(error as Error).message}). Check that it runs, then try again.`, undefined);
  }
  if (result.error !== undefined || !result.response.ok) {
    const body = result.error;
    const message =
      body && typeof body === 'object' && 'message' in body && typeof body.message === 'string'
        ? body.message
        : `the manager answered ${result.response.status} ${result.response.statusText}`;
    throw new ApiError(result.response.status, message, body);
  }
  return result.data as T;
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A resource's value, or undefined while it has failed (reading a failed resource throws). */
export function settled<T>(resource: { (): T | undefined; error: unknown }): T | undefined {
  return resource.error ? undefined : resource();
}
