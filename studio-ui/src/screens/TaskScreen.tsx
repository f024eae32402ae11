// One task: status, worker, commands, its log live (the tail, then new lines as they come),
// a download of the whole log, and requeue or cancel.

import { createEffect, createResource, createSignal, For, onCleanup, Show, type JSX } from 'solid-js';
import { api, messageOf, ok, settled } from '../api/client.ts';
import { connectEvents, onEvent, reconnects } from '../api/event-stream.ts';
import { confirmAction } from '../components/confirm.tsx';
import { notify } from '../components/notices.tsx';
import { StatusBadge } from '../components/StatusBadge.tsx';
import { Link } from '../router.tsx';

/** Characters of log kept on screen; the download has everything. */
const TAIL_LIMIT = 200_000;

export function TaskScreen(props: { taskId: string }): JSX.Element {
  const [task, { refetch }] = createResource(
    () => [props.taskId, reconnects()] as const,
    ([id]) => ok(api.GET('/api/v3/tasks/{task_id}', { params: { path: { task_id: id } } })),
  );
  createEffect(() => {
    const current = settled(task);
    if (current) connectEvents({ jobId: current.job_id, taskId: current.id });
  });
  const [log, setLog] = createSignal('');
  const [logInfo] = createResource(
    () => [props.taskId, reconnects()] as const,
    async ([id]) => {
      const tail = await api.GET('/api/v3/tasks/{task_id}/logtail', { params: { path: { task_id: id } }, parseAs: 'text' });
      setLog(tail.response.status === 200 ? String(tail.data ?? '') : '');
      const info = await api.GET('/api/v3/tasks/{task_id}/log', { params: { path: { task_id: id } } });
      return info.response.status === 200 ? info.data : undefined;
    },
  );
  let logBox: HTMLPreElement | undefined;
  const stops = [
    onEvent('task-log', (event) => {
      if (event.task_id !== props.taskId) return;
      const atBottom = !logBox || logBox.scrollTop + logBox.clientHeight >= logBox.scrollHeight - 8;
      setLog((text) => (text + event.log).slice(-TAIL_LIMIT));
      if (atBottom && logBox) queueMicrotask(() => logBox && (logBox.scrollTop = logBox.scrollHeight));
    }),
    onEvent('task', (event) => {
      if (event.id === props.taskId) void refetch();
    }),
  ];
  onCleanup(() => stops.forEach((stop) => stop()));

  /** The log from its start (as much as the page keeps), instead of the tail. */
  async function showWholeLog(): Promise<void> {
    try {
      let offset = 0;
      let text = '';
      for (;;) {
        const chunk = await ok(api.GET('/api/v3/tasks/{task_id}/log/chunk', { params: { path: { task_id: props.taskId }, query: { offset, limit: 1_048_576 } } }));
        text += chunk.text;
        if (chunk.next_offset >= chunk.size || chunk.next_offset === offset || text.length >= TAIL_LIMIT) break;
        offset = chunk.next_offset;
      }
      setLog(text.slice(-TAIL_LIMIT));
    } catch (error) {
      notify(messageOf(error), 'error');
    }
  }

  async function setStatus(status: 'queued' | 'canceled'): Promise<void> {
    if (status === 'canceled' && !(await confirmAction('Cancel this task?', 'If it is running, its worker stops it.', 'Cancel task'))) return;
    try {
      await ok(api.POST('/api/v3/tasks/{task_id}/setstatus', { params: { path: { task_id: props.taskId } }, body: { status, reason: `${status === 'queued' ? 'requeued' : 'canceled'} from the studio` } }));
      notify(status === 'queued' ? 'Task requeued.' : 'Task canceled.');
      void refetch();
    } catch (error) {
      notify(messageOf(error), 'error');
    }
  }

  return (
    <section>
      <Show when={task.error}>
        <p class="error" role="alert">
          This task could not be loaded: {messageOf(task.error)}
        </p>
      </Show>
      <Show when={!task.error && task()}>
        {(current) => (
          <>
            <p>
              <Link href={`/jobs/${current().job_id}`}>← Job</Link>
            </p>
            <div class="row">
              <h1>{current().name}</h1>
              <StatusBadge status={current().status} />
            </div>
            <div class="toolbar" role="toolbar" aria-label="Task actions">
              <button type="button" disabled={current().status === 'queued' || current().status === 'active'} onClick={() => void setStatus('queued')}>
                Requeue
              </button>
              <button type="button" disabled={current().status === 'canceled' || current().status === 'completed'} onClick={() => void setStatus('canceled')}>
                Cancel…
              </button>
              <Show when={settled(logInfo)}>
                {(info) => (
                  <>
                    <button type="button" onClick={() => void showWholeLog()}>
                      Show the whole log
                    </button>
                    <a class="button" href={info().url} download="">
                      Download the whole log ({info().size} bytes)
                    </a>
                  </>
                )}
              </Show>
            </div>
            <dl class="facts">
              <dt>Type</dt>
              <dd>{current().task_type}</dd>
              <dt>Worker</dt>
              <dd>{current().worker?.name ?? '—'}</dd>
              <dt>Activity</dt>
              <dd>{current().activity || '—'}</dd>
              <dt>Steps</dt>
              <dd>
                {current().steps_completed} of {current().steps_total}
              </dd>
              <Show when={(current().failed_by_workers ?? []).length > 0}>
                <dt>Failed on</dt>
                <dd>{current().failed_by_workers!.map((w) => w.name).join(', ')}</dd>
              </Show>
            </dl>
            <h2>Commands</h2>
            <ol>
              <For each={current().commands}>
                {(command) => (
                  <li>
                    <code>{command.name}</code> <code class="params">{JSON.stringify(command.parameters)}</code>
                  </li>
                )}
              </For>
            </ol>
            <h2>Log</h2>
            <pre class="log live-log" ref={(element) => (logBox = element)} data-testid="task-log" tabindex="0" aria-label="Task log">
              {log() || 'Nothing logged yet. New lines appear here as the worker sends them.'}
            </pre>
          </>
        )}
      </Show>
    </section>
  );
}
