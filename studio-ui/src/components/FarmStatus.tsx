// The farm in one word (getFarmStatus), refreshed when jobs or workers change.

import { createResource, onCleanup, Show, type JSX } from 'solid-js';
import { api, ok, settled } from '../api/client.ts';
import { onEvent, reconnects } from '../api/event-stream.ts';

export function FarmStatus(): JSX.Element {
  const [status, { refetch }] = createResource(reconnects, () => ok(api.GET('/api/v3/status')));
  let timer: ReturnType<typeof setTimeout> | undefined;
  const soon = () => {
    if (timer === undefined) timer = setTimeout(() => ((timer = undefined), void refetch()), 1000);
  };
  const stops = [onEvent('job', soon), onEvent('worker', soon)];
  onCleanup(() => {
    stops.forEach((stop) => stop());
    clearTimeout(timer);
  });
  return (
    <span class="farm-status" title="The farm's status as the manager sees it">
      Farm:{' '}
      <Show when={settled(status)} fallback={<span class="status">{status.error ? 'unknown' : '…'}</span>}>
        {(report) => <span class={`status farm-${report().status}`} data-testid="farm-status">{report().status}</span>}
      </Show>
    </span>
  );
}
