// What a stopped command rejects with: an error named AbortError (as Node's own abortable APIs
// use), so the task runner can tell "stopped on purpose" from "failed".

export function abortError(signal: AbortSignal): Error {
  const error = new Error('stopped before it finished', { cause: signal.reason });
  error.name = 'AbortError';
  return error;
}

export function isAbortError(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}
