// One job: its settings and metadata, a grid of its tasks coloured by status, the task table,
// the dependency graph, the last-rendered image, the job type version it used, and actions.

import { createEffect, createMemo, createResource, createSignal, For, onCleanup, Show, type JSX } from 'solid-js';
import { createStore, reconcile } from 'solid-js/store';
import { api, messageOf, ok, settled, type Schema } from '../api/client.ts';
import { connectEvents, onEvent, reconnects } from '../api/event-stream.ts';
import { confirmAction } from '../components/confirm.tsx';
import { CompileLog } from '../components/CompileLog.tsx';
import { DependencyGraph } from '../components/DependencyGraph.tsx';
import { TaskTable } from '../components/TaskTable.tsx';
import { notify } from '../components/notices.tsx';
import { moveBetweenTabs } from '../components/tab-keys.ts';
import { StatusBadge } from '../components/StatusBadge.tsx';
import { actionAllowed, priorityEditable, progressPercent, REQUESTED_STATUS, type JobAction } from '../logic/job-actions.ts';
import { Link, navigate } from '../router.tsx';
import { shortTime } from '../logic/format.ts';

type Task = Schema<'TaskSummary'>;
type Tab = 'tasks' | 'graph' | 'log' | 'settings';

const TAB_LABELS: Record<Tab, string> = { tasks: 'Task table', graph: 'Dependency graph', log: 'Compile log', settings: 'Settings and metadata' };

/** Cells drawn in the task grid; beyond it the grid would cost more than it tells. */
const GRID_LIMIT = 10_000;

export function JobScreen(props: { jobId: string }): JSX.Element {
  createEffect(() => connectEvents({ jobId: props.jobId }));
  const [job, { mutate: setJob, refetch: refetchJob }] = createResource(
    () => [props.jobId, reconnects()] as const,
    ([id]) => ok(api.GET('/api/v3/jobs/{job_id}', { params: { path: { job_id: id } } })),
  );
  const [fetchedTasks, { refetch: refetchTasks }] = createResource(
    () => [props.jobId, reconnects()] as const,
    async ([id]) => (await ok(api.GET('/api/v3/jobs/{job_id}/tasks', { params: { path: { job_id: id } } }))).tasks,
  );
  const [lastRendered, { refetch: refetchImage }] = createResource(
    () => props.jobId,
    async (id) => {
      const result = await api.GET('/api/v3/jobs/{job_id}/last-rendered', { params: { path: { job_id: id } } });
      return result.response.status === 200 ? result.data : undefined;
    },
  );
  // The tasks as a store: a task event changes one task's fields, and only what shows them
  // re-renders — a job of 10,000 tasks stays cheap to follow.
  const [taskStore, setTaskStore] = createStore<{ list: Task[] }>({ list: [] });
  const positions = new Map<string, number>();
  createEffect(() => {
    const list = settled(fetchedTasks);
    if (!list) return;
    positions.clear();
    list.forEach((task, index) => positions.set(task.id, index));
    setTaskStore('list', reconcile(list, { key: 'id' }));
  });
  const tasks = () => taskStore.list;
  const [tab, setTab] = createSignal<Tab>('tasks');
  const [graph] = createResource(
    () => tab() === 'graph' && props.jobId,
    (id) => ok(api.GET('/api/v3/jobs/{job_id}/graph', { params: { path: { job_id: id as string } } })),
  );

  const stops = [
    onEvent('job', (event) => {
      if (event.id !== props.jobId) return;
      if (event.was_deleted) {
        notify('This job was deleted.');
        navigate('/jobs');
        return;
      }
      const current = settled(job);
      if (current) setJob({ ...current, status: event.status, priority: event.priority, updated: event.updated, steps_completed: event.steps_completed, steps_total: event.steps_total });
      if (event.refresh_tasks) void refetchTasks();
    }),
    onEvent('task', (event) => {
      if (event.job_id !== props.jobId) return;
      const index = positions.get(event.id);
      if (index === undefined) return void refetchTasks();
      setTaskStore('list', index, {
        status: event.status,
        updated: event.updated,
        steps_completed: event.steps_completed,
        steps_total: event.steps_total,
        ...(event.worker ? { worker: { id: event.worker.uuid, name: event.worker.name, address: '' } } : {}),
      });
    }),
    onEvent('last-rendered', (event) => {
      if (event.job_id === props.jobId) void refetchImage();
    }),
  ];
  onCleanup(() => stops.forEach((stop) => stop()));

  const counts = createMemo(() => {
    const byStatus = new Map<string, number>();
    for (const task of tasks()) byStatus.set(task.status, (byStatus.get(task.status) ?? 0) + 1);
    return [...byStatus].sort();
  });

  async function act(action: JobAction): Promise<void> {
    const current = settled(job);
    if (!current) return;
    if (action === 'delete' || action === 'cancel') {
      const yes = await confirmAction(
        action === 'delete' ? `Delete "${current.name}"?` : `Cancel "${current.name}"?`,
        action === 'delete' ? 'Its tasks, logs and last-rendered images are removed for good.' : 'Running tasks are stopped. The job can be requeued later.',
        action === 'delete' ? 'Delete' : 'Cancel job',
      );
      if (!yes) return;
    }
    try {
      if (action === 'delete') {
        await ok(api.DELETE('/api/v3/jobs/{job_id}', { params: { path: { job_id: current.id } } }));
        notify(`"${current.name}" deleted.`);
        navigate('/jobs');
      } else {
        await ok(api.POST('/api/v3/jobs/{job_id}/setstatus', { params: { path: { job_id: current.id } }, body: { status: REQUESTED_STATUS[action], reason: `${action} from the studio` } }));
        notify(`${action} requested.`);
        void refetchJob();
      }
    } catch (error) {
      notify(messageOf(error), 'error');
    }
  }

  async function changePriority(value: string): Promise<void> {
    const priority = Number(value);
    if (!Number.isInteger(priority) || priority < 0 || priority > 100) return notify('A priority is a whole number from 0 to 100.', 'error');
    try {
      await ok(api.POST('/api/v3/jobs/{job_id}/setpriority', { params: { path: { job_id: props.jobId } }, body: { priority } }));
      notify(`Priority set to ${priority}.`);
    } catch (error) {
      notify(messageOf(error), 'error');
    }
  }

  return (
    <section>
      <p>
        <Link href="/jobs">← Jobs</Link>
      </p>
      <Show when={job.error}>
        <p class="error" role="alert">
          This job could not be loaded: {messageOf(job.error)}
        </p>
      </Show>
      <Show when={!job.error && job()}>
        {(current) => (
          <>
            <div class="row">
              <h1 data-testid="job-name">{current().name}</h1>
              <StatusBadge status={current().status} />
            </div>
            <div class="toolbar" role="toolbar" aria-label="Job actions">
              <button type="button" disabled={!actionAllowed('pause', current().status)} onClick={() => void act('pause')}>Pause</button>
              <button type="button" disabled={!actionAllowed('requeue', current().status)} onClick={() => void act('requeue')}>Requeue</button>
              <button type="button" disabled={!actionAllowed('cancel', current().status)} onClick={() => void act('cancel')}>Cancel…</button>
              <button type="button" class="danger" disabled={!actionAllowed('delete', current().status)} onClick={() => void act('delete')}>Delete…</button>
              <label>
                Priority{' '}
                <input type="number" min="0" max="100" value={current().priority} disabled={!priorityEditable(current().status)} onChange={(e) => void changePriority(e.currentTarget.value)} style={{ width: '5em' }} />
              </label>
            </div>
            <dl class="facts">
              <dt>Progress</dt>
              <dd>
                <progress max="100" value={progressPercent(current().steps_completed, current().steps_total)} /> {current().steps_completed} of {current().steps_total} steps
              </dd>
              <dt>Type</dt>
              <dd>
                <Link href={`/job-types/${encodeURIComponent(current().type)}`}>{current().type}</Link>{' '}
                <span data-testid="job-type-version">{current().type_version ? `version ${current().type_version}` : '(built-in or folder script)'}</span>
              </dd>
              <dt>Submitted</dt>
              <dd>{shortTime(current().created)} {current().metadata?.['user.name'] ? `by ${current().metadata!['user.name']}` : ''}</dd>
              <dt>Activity</dt>
              <dd>{current().activity || '—'}</dd>
            </dl>
            <div class="job-layout">
              <div>
                <h2>Tasks</h2>
                <p class="muted" data-testid="task-counts">
                  {counts().map(([status, count]) => `${count} ${status}`).join(' · ') || 'no tasks'}
                </p>
                {/* Plain links with one click handler for all of them: a cell per task stays cheap at 10,000 tasks. */}
                <div class="task-grid" aria-label="Tasks by status" data-testid="task-grid" onClick={followGridLink}>
                  <For each={tasks().slice(0, GRID_LIMIT)}>
                    {(task) => <a href={`/tasks/${task.id}`} class={`cell status-bg-${task.status}`} title={`${task.name}: ${task.status}`} aria-label={`${task.name}: ${task.status}`} />}
                  </For>
                </div>
                <Show when={(tasks().length ?? 0) > GRID_LIMIT}>
                  <p class="muted">The grid shows the first {GRID_LIMIT} tasks; the counts above are of all of them.</p>
                </Show>
              </div>
              <Show when={settled(lastRendered)}>
                {(image) => (
                  <figure class="last-rendered">
                    <img src={`${image().base}/${image().suffixes.find((s) => s.includes('small')) ?? image().suffixes[0]}?${Date.now()}`} alt="The job's last-rendered frame" />
                    <figcaption>Last rendered</figcaption>
                  </figure>
                )}
              </Show>
            </div>
            <div class="tabs" role="tablist" onKeyDown={moveBetweenTabs}>
              <For each={['tasks', 'graph', 'log', 'settings'] as Tab[]}>
                {(name) => (
                  <button type="button" role="tab" aria-selected={tab() === name} onClick={() => setTab(name)}>
                    {TAB_LABELS[name]}
                  </button>
                )}
              </For>
            </div>
            <Show when={tab() === 'tasks'}>
              <TaskTable tasks={tasks()} />
            </Show>
            <Show when={tab() === 'graph'}>
              <Show when={settled(graph)} fallback={<p class="muted">{graph.error ? messageOf(graph.error) : 'Loading the graph…'}</p>}>
                {(g) => (
                  <DependencyGraph
                    tasks={g().nodes.map((n) => ({ id: n.id, index: n.index_in_job, name: n.name, type: n.task_type, status: taskStore.list[positions.get(n.id) ?? -1]?.status ?? n.status }))}
                    edges={g().edges}
                    onSelect={(id) => navigate(`/tasks/${id}`)}
                  />
                )}
              </Show>
            </Show>
            <Show when={tab() === 'log'}>
              <CompileLog log={current().compile_log ?? []} />
            </Show>
            <Show when={tab() === 'settings'}>
              <h3>Settings</h3>
              <KeyValues values={current().settings ?? {}} />
              <h3>Metadata</h3>
              <KeyValues values={current().metadata ?? {}} />
            </Show>
          </>
        )}
      </Show>
    </section>
  );
}

function followGridLink(event: MouseEvent): void {
  const link = (event.target as Element).closest('a');
  if (!link || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  navigate(link.getAttribute('href')!);
}

function KeyValues(props: { values: Record<string, unknown> }): JSX.Element {
  return (
    <Show when={Object.keys(props.values).length > 0} fallback={<p class="muted">None.</p>}>
      <dl class="facts">
        <For each={Object.entries(props.values)}>
          {([key, value]) => (
            <>
              <dt>{key}</dt>
              <dd>
                <code>{typeof value === 'string' ? value : JSON.stringify(value)}</code>
              </dd>
            </>
          )}
        </For>
      </dl>
    </Show>
  );
}
