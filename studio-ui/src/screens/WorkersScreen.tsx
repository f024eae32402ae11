// The workers, live: status, current task, tags, last seen; asking them to sleep, wake or shut
// down (now or after their task); tags, sleep schedules, and deleting a worker.

import { createEffect, createResource, createSignal, For, onCleanup, onMount, Show, type JSX } from 'solid-js';
import { api, messageOf, ok, settled, type Schema } from '../api/client.ts';
import { connectEvents, onEvent, reconnects } from '../api/event-stream.ts';
import { confirmAction } from '../components/confirm.tsx';
import { notify } from '../components/notices.tsx';
import { StatusBadge } from '../components/StatusBadge.tsx';
import { Link } from '../router.tsx';
import { shortTime } from '../logic/format.ts';

type WorkerSummary = Schema<'WorkerSummary'>;
type WorkerStatus = Schema<'WorkerStatus'>;

export function WorkersScreen(): JSX.Element {
  onMount(() => connectEvents({}));
  const [workers, { mutate, refetch }] = createResource(reconnects, async () => (await ok(api.GET('/api/v3/worker-mgt/workers'))).workers);
  const [tags, { refetch: refetchTags }] = createResource(reconnects, async () => (await ok(api.GET('/api/v3/worker-mgt/tags'))).tags);
  const [openId, setOpenId] = createSignal<string>();
  // The list has no current task or tags; each worker's details fill them in (farms are small:
  // at most a few hundred workers), refreshed on its events and, for awake workers, every 10 s.
  const [details, setDetails] = createSignal<Record<string, Schema<'Worker'>>>({});
  const loadDetails = async (ids: string[]) => {
    const queue = [...ids];
    const loadNext = async (): Promise<void> => {
      const id = queue.shift();
      if (id === undefined) return;
      const found = await api.GET('/api/v3/worker-mgt/workers/{worker_id}', { params: { path: { worker_id: id } } }).catch(() => undefined);
      if (found?.data) setDetails((all) => ({ ...all, [id]: found.data }));
      return loadNext();
    };
    await Promise.all(Array.from({ length: Math.min(6, queue.length) }, loadNext));
  };
  createEffect(() => {
    const list = settled(workers);
    if (list) void loadDetails(list.map((w) => w.id));
  });
  // Only awake workers run tasks, so only theirs can change without an event.
  const poll = setInterval(() => {
    const list = settled(workers);
    if (list && document.visibilityState === 'visible') void loadDetails(list.filter((w) => w.status === 'awake').map((w) => w.id));
  }, 10_000);
  onCleanup(() => clearInterval(poll));
  const stops = [
    onEvent('worker', (event) => {
      const list = settled(workers);
      if (!list) return;
      if (event.deleted_at) return mutate(list.filter((w) => w.id !== event.id));
      const index = list.findIndex((w) => w.id === event.id);
      if (index === -1) return void refetch();
      const next = [...list];
      next[index] = { ...list[index]!, name: event.name, status: event.status, version: event.version, can_restart: event.can_restart, ...(event.last_seen ? { last_seen: event.last_seen } : {}), ...(event.status_change ? { status_change: event.status_change } : {}) };
      if (!event.status_change) delete next[index].status_change;
      mutate(next);
      void loadDetails([event.id]);
    }),
    onEvent('worker-tag', () => void refetchTags()),
  ];
  onCleanup(() => stops.forEach((stop) => stop()));

  async function newTag(): Promise<void> {
    const name = window.prompt('Name of the new worker tag (e.g. gpu):');
    if (!name?.trim()) return;
    try {
      await ok(api.POST('/api/v3/worker-mgt/tags', { body: { name: name.trim() } }));
      void refetchTags();
    } catch (error) {
      notify(messageOf(error), 'error');
    }
  }

  async function deleteTag(tag: Schema<'WorkerTag'>): Promise<void> {
    if (!(await confirmAction(`Delete the tag "${tag.name}"?`, 'Workers lose the tag; jobs limited to it can then run on any worker.', 'Delete'))) return;
    try {
      await ok(api.DELETE('/api/v3/worker-mgt/tag/{tag_id}', { params: { path: { tag_id: tag.id! } } }));
      void refetchTags();
    } catch (error) {
      notify(messageOf(error), 'error');
    }
  }

  return (
    <section>
      <div class="row">
        <h1>Workers</h1>
        <span class="spacer" />
        <button type="button" onClick={() => void newTag()}>New tag…</button>
      </div>
      <Show when={workers.error}>
        <p class="error" role="alert">The workers could not be loaded: {messageOf(workers.error)}</p>
      </Show>
      <Show when={settled(workers)?.length === 0}>
        <p class="empty">
          No workers yet. Start one on each render machine with <code>npx tablao worker --manager {window.location.origin}</code> (or run Flamenco's worker), and it appears here.
        </p>
      </Show>
      <table class="workers" data-testid="workers">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Status</th>
            <th scope="col">Current task</th>
            <th scope="col">Tags</th>
            <th scope="col">Requested</th>
            <th scope="col">Last seen</th>
            <th scope="col">Version</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          <For each={settled(workers)}>
            {(worker) => (
              <>
                <tr>
                  <td>
                    <button type="button" class="link" aria-expanded={openId() === worker.id} onClick={() => setOpenId(openId() === worker.id ? undefined : worker.id)}>
                      {worker.name}
                    </button>
                  </td>
                  <td>
                    <StatusBadge status={worker.status} />
                  </td>
                  <td>
                    <Show when={details()[worker.id]?.task} fallback="—">
                      {(task) => <Link href={`/tasks/${task().id}`}>{task().name} <span class="muted">({task().status})</span></Link>}
                    </Show>
                  </td>
                  <td>{(details()[worker.id]?.tags ?? []).map((tag) => tag.name).join(', ')}</td>
                  <td>{worker.status_change ? `${worker.status_change.status}${worker.status_change.is_lazy ? ' (after its task)' : ''}` : ''}</td>
                  <td title={worker.last_seen}>{shortTime(worker.last_seen)}</td>
                  <td>{worker.version}</td>
                  <td>
                    <WorkerActions worker={worker} />
                  </td>
                </tr>
                <Show when={openId() === worker.id}>
                  <tr>
                    <td colspan="8">
                      <WorkerDetails id={worker.id} tags={settled(tags) ?? []} onChanged={() => void loadDetails([worker.id])} />
                    </td>
                  </tr>
                </Show>
              </>
            )}
          </For>
        </tbody>
      </table>
      <h2>Tags</h2>
      <Show when={(settled(tags) ?? []).length > 0} fallback={<p class="muted">No tags. A job limited to a tag runs only on the workers that have it.</p>}>
        <ul class="tags" data-testid="tags">
          <For each={settled(tags)}>
            {(tag) => (
              <li>
                <strong>{tag.name}</strong> {tag.description ? <span class="muted">{tag.description}</span> : ''}{' '}
                <button type="button" class="danger" onClick={() => void deleteTag(tag)}>
                  Delete…
                </button>
              </li>
            )}
          </For>
        </ul>
      </Show>
    </section>
  );
}

function WorkerActions(props: { worker: WorkerSummary }): JSX.Element {
  async function request(status: WorkerStatus, lazy: boolean): Promise<void> {
    if (status === 'offline' && !lazy && !(await confirmAction(`Shut down ${props.worker.name} now?`, 'Its current task is interrupted and goes back to the queue.', 'Shut down now'))) return;
    try {
      await ok(api.POST('/api/v3/worker-mgt/workers/{worker_id}/setstatus', { params: { path: { worker_id: props.worker.id } }, body: { status, is_lazy: lazy } }));
      notify(`${props.worker.name}: ${status}${lazy ? ' after its current task' : ''} requested.`);
    } catch (error) {
      notify(messageOf(error), 'error');
    }
  }
  async function remove(): Promise<void> {
    if (!(await confirmAction(`Delete ${props.worker.name}?`, 'The worker is forgotten; if it runs, it has to register again.', 'Delete'))) return;
    try {
      await ok(api.DELETE('/api/v3/worker-mgt/workers/{worker_id}', { params: { path: { worker_id: props.worker.id } } }));
    } catch (error) {
      notify(messageOf(error), 'error');
    }
  }
  return (
    <div class="row tight">
      <Show when={props.worker.status === 'asleep'} fallback={<button type="button" onClick={() => void request('asleep', true)}>Sleep</button>}>
        <button type="button" onClick={() => void request('awake', false)}>Wake</button>
      </Show>
      <button type="button" onClick={() => void request('offline', true)} title="After its current task">Shut down</button>
      <button type="button" onClick={() => void request('offline', false)}>Shut down now…</button>
      <button type="button" class="danger" onClick={() => void remove()}>Delete…</button>
    </div>
  );
}

function WorkerDetails(props: { id: string; tags: Schema<'WorkerTag'>[]; onChanged: () => void }): JSX.Element {
  const [worker, { refetch }] = createResource(() => props.id, (id) => ok(api.GET('/api/v3/worker-mgt/workers/{worker_id}', { params: { path: { worker_id: id } } })));
  const [schedule, { refetch: refetchSchedule }] = createResource(() => props.id, async (id) => {
    const result = await api.GET('/api/v3/worker-mgt/workers/{worker_id}/sleep-schedule', { params: { path: { worker_id: id } } });
    return result.response.status === 200 && result.data ? result.data : { is_active: false, days_of_week: '', start_time: '', end_time: '' };
  });

  async function toggleTag(tagId: string, on: boolean): Promise<void> {
    const current = (settled(worker)?.tags ?? []).map((t) => t.id!).filter(Boolean);
    const tag_ids = on ? [...new Set([...current, tagId])] : current.filter((id) => id !== tagId);
    try {
      await ok(api.POST('/api/v3/worker-mgt/workers/{worker_id}/settags', { params: { path: { worker_id: props.id } }, body: { tag_ids } }));
      void refetch();
      props.onChanged();
    } catch (error) {
      notify(messageOf(error), 'error');
    }
  }

  async function saveSchedule(form: HTMLFormElement): Promise<void> {
    const data = new FormData(form);
    const body = {
      is_active: data.get('is_active') === 'on',
      days_of_week: String(data.get('days_of_week') ?? ''),
      start_time: String(data.get('start_time') ?? ''),
      end_time: String(data.get('end_time') ?? ''),
    };
    try {
      await ok(api.POST('/api/v3/worker-mgt/workers/{worker_id}/sleep-schedule', { params: { path: { worker_id: props.id } }, body }));
      notify('Sleep schedule saved.');
      void refetchSchedule();
    } catch (error) {
      notify(`The schedule was not saved: ${messageOf(error)}`, 'error');
    }
  }

  return (
    <Show when={settled(worker)} fallback={<p class="muted">{worker.error ? messageOf(worker.error) : 'Loading…'}</p>}>
      {(w) => (
        <div class="worker-details">
          <dl class="facts">
            <dt>Platform</dt>
            <dd>{w().platform}, {w().ip_address}</dd>
            <dt>Task types</dt>
            <dd>{w().supported_task_types.join(', ')}</dd>
            <dt>Current task</dt>
            <dd>
              <Show when={w().task} fallback="—">
                {(task) => <Link href={`/tasks/${task().id}`}>{task().name} ({task().status})</Link>}
              </Show>
            </dd>
          </dl>
          <fieldset>
            <legend>Tags</legend>
            <Show when={props.tags.length > 0} fallback={<span class="muted">No tags exist yet.</span>}>
              <For each={props.tags}>
                {(tag) => (
                  <label class="chip">
                    <input type="checkbox" checked={(w().tags ?? []).some((t) => t.id === tag.id)} onChange={(e) => void toggleTag(tag.id!, e.currentTarget.checked)} />
                    {tag.name}
                  </label>
                )}
              </For>
            </Show>
          </fieldset>
          <Show when={settled(schedule)}>
            {(s) => (
              <form
                class="schedule"
                onSubmit={(e) => {
                  e.preventDefault();
                  void saveSchedule(e.currentTarget);
                }}
              >
                <fieldset>
                  <legend>Sleep schedule</legend>
                  <label>
                    <input type="checkbox" name="is_active" checked={s().is_active} /> Active
                  </label>
                  <label>
                    Days <input name="days_of_week" value={s().days_of_week} placeholder="mo tu we th fr (empty: every day)" />
                  </label>
                  <label>
                    From <input name="start_time" value={s().start_time} placeholder="09:00" size="5" pattern="^$|^([01]?[0-9]|2[0-3]):[0-5][0-9]$|^24:00$" />
                  </label>
                  <label>
                    until <input name="end_time" value={s().end_time} placeholder="18:00" size="5" pattern="^$|^([01]?[0-9]|2[0-3]):[0-5][0-9]$|^24:00$" />
                  </label>
                  <button type="submit">Save schedule</button>
                </fieldset>
              </form>
            )}
          </Show>
        </div>
      )}
    </Show>
  );
}
