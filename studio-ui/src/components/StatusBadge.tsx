import type { JSX } from 'solid-js';

/** A job, task or worker status as a coloured word (colour is never the only cue: the word is there). */
export function StatusBadge(props: { status: string }): JSX.Element {
  return <span class={`status status-${props.status}`}>{props.status}</span>;
}
