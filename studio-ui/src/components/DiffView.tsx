// Two texts side by side as one unified diff, unchanged stretches folded.

import { createMemo, For, Show, type JSX } from 'solid-js';
import { countChanges, diffHunks, diffLines } from '../logic/line-diff.ts';

export function DiffView(props: { before: string; after: string; beforeLabel: string; afterLabel: string }): JSX.Element {
  const lines = createMemo(() => diffLines(props.before, props.after));
  const hunks = createMemo(() => diffHunks(lines(), 3));
  const counts = createMemo(() => countChanges(lines()));
  return (
    <div class="diff" data-testid="diff">
      <p class="muted">
        <span class="diff-removed-label">− {props.beforeLabel}</span> · <span class="diff-added-label">+ {props.afterLabel}</span> · {counts().removed} removed, {counts().added} added
      </p>
      <Show when={hunks().length > 0} fallback={<p>No differences.</p>}>
        <pre class="diff-body">
          <For each={hunks()}>
            {(hunk) => (
              <>
                <Show when={hunk.skippedBefore > 0}>
                  <span class="diff-skip">⋯ {hunk.skippedBefore} unchanged line{hunk.skippedBefore === 1 ? '' : 's'}{'\n'}</span>
                </Show>
                <For each={hunk.lines}>
                  {(line) => (
                    <span class={`diff-${line.kind}`}>
                      {line.kind === 'added' ? '+ ' : line.kind === 'removed' ? '- ' : '  '}
                      {line.text}
                      {'\n'}
                    </span>
                  )}
                </For>
              </>
            )}
          </For>
        </pre>
      </Show>
    </div>
  );
}
