import { For, Show, type JSX } from 'solid-js';
import type { Schema } from '../api/client.ts';

/** What the script printed (`print`) and warned about (`alert`) while compiling. */
export function CompileLog(props: { log: Schema<'CompileLogEntry'>[] }): JSX.Element {
  return (
    <Show when={props.log.length > 0} fallback={<p class="muted">The script printed nothing.</p>}>
      <pre class="log" data-testid="compile-log">
        <For each={props.log}>{(entry) => <span class={`log-${entry.level}`}>{entry.level === 'alert' ? '⚠ ' : ''}{entry.message}{'\n'}</span>}</For>
      </pre>
    </Show>
  );
}
