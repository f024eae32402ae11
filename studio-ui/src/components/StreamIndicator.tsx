import { type JSX } from 'solid-js';
import { streamState } from '../api/event-stream.ts';

const LABELS = { live: 'Live', connecting: 'Connecting…', reconnecting: 'Reconnecting…' } as const;

/** Whether live updates arrive: the event stream's state, visible in the header. */
export function StreamIndicator(): JSX.Element {
  return (
    <span class={`stream stream-${streamState()}`} data-testid="stream-state" role="status" title="Live updates from the manager's event stream">
      <span class="dot" aria-hidden="true" />
      {LABELS[streamState()]}
    </span>
  );
}
