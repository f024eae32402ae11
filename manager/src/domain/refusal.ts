// A request people or workers may not make. The HTTP layer answers with `httpStatus` and a
// Flamenco-style Error body carrying `message`, which says what is wrong and what is possible.

export interface Refusal {
  readonly kind: 'refused';
  readonly httpStatus: 400 | 409 | 412;
  readonly message: string;
}

export function refuse(httpStatus: Refusal['httpStatus'], message: string): Refusal {
  return { kind: 'refused', httpStatus, message };
}

/** "a", "a or b", "a, b or c". */
export function listAlternatives(items: readonly string[], conjunction = 'or'): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${conjunction} ${items[items.length - 1]}`;
}

export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}
