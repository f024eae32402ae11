// The jobs list: every job the manager has, virtualised (only the rows in view exist, and only
// the pages in view are fetched) so that 10,000 jobs scroll smoothly; filters, sorting, live
// updates, and actions on the selected jobs.

import { createEffect, createMemo, createSignal, For, on, onCleanup, onMount, Show, type JSX } from 'solid-js';
import { api, messageOf, ok } from '../api/client.ts';
import { connectEvents, onEvent, reconnects } from '../api/event-stream.ts';
import { confirmAction } from '../components/confirm.tsx';
import { notify } from '../components/notices.tsx';
import { StatusBadge } from '../components/StatusBadge.tsx';
import { JOB_STATUSES, jobsForAction, priorityEditable, progressPercent, REQUESTED_STATUS, type JobAction, type JobStatus } from '../logic/job-actions.ts';
import { JobPages, type Job } from '../logic/job-pages.ts';
import { shortTime } from '../logic/format.ts';
import { pagesCovering, visibleRange } from '../logic/virtual-list.ts';
import { Link, navigate } from '../router.tsx';

const ROW_HEIGHT = 34;
const PAGE_SIZE = 500;

type SortKey = 'updated_at' | 'created_at' | 'name' | 'status' | 'priority' | 'job_type';

const COLUMNS: { key: SortKey | undefined; label: string }[] = [
  { key: 'name', label: 'Name' },
  { key: 'status', label: 'Status' },
  { key: undefined, label: 'Progress' },
  { key: 'priority', label: 'Priority' },
  { key: 'job_type', label: 'Type' },
  { key: undefined, label: 'Submitter' },
  { key: 'updated_at', label: 'Updated' },
];

export function JobsScreen(): JSX.Element {
  const pages = new JobPages(PAGE_SIZE);
  const [version, setVersion] = createSignal(0);
  const [scrollTop, setScrollTop] = createSignal(0);
  const [viewportHeight, setViewportHeight] = createSignal(600);
  const [sort, setSort] = createSignal<{ key: SortKey; descending: boolean }>({ key: 'updated_at', descending: true });
  const [statusFilter, setStatusFilter] = createSignal<JobStatus[]>([]);
  const [submitter, setSubmitter] = createSignal('');
  const [selected, setSelected] = createSignal<Set<string>>(new Set());
  const [loadError, setLoadError] = createSignal<string>();
  const [loaded, setLoaded] = createSignal(false);
  const loading = new Set<number>();
  let generation = 0;
  let viewport: HTMLDivElement | undefined;

  onMount(() => connectEvents({}));

  const query = createMemo(() => ({
    order_by: [`${sort().descending ? '-' : ''}${sort().key}`],
    ...(statusFilter().length ? { status_in: statusFilter() } : {}),
    ...(submitter().trim() ? { metadata: { 'user.name': `%${submitter().trim()}%` } } : {}),
  }));

  async function loadPage(page: number, gen: number): Promise<void> {
    if (loading.has(page)) return;
    loading.add(page);
    try {
      const result = await ok(api.POST('/api/v3/jobs/query', { body: { ...query(), offset: page * PAGE_SIZE, limit: PAGE_SIZE } }));
      if (gen !== generation) return;
      pages.store(page, result.jobs, result.total ?? result.jobs.length);
      setLoadError(undefined);
      setLoaded(true);
      setVersion((v) => v + 1);
    } catch (error) {
      if (gen === generation) setLoadError(messageOf(error));
    } finally {
      loading.delete(page);
    }
  }

  /** How many jobs match, as of the last page fetched (the page store itself is not reactive; `version` says when it changed). */
  const total = createMemo(() => (version(), pages.total));
  const range = createMemo(() => visibleRange({ scrollTop: scrollTop(), viewportHeight: viewportHeight(), rowHeight: ROW_HEIGHT, count: total() }));

  function reload(): void {
    generation++;
    loading.clear();
    pages.clear();
    void loadPage(Math.floor(range().start / PAGE_SIZE), generation);
  }

  // A new filter or order: start over from the top.
  createEffect(() => {
    query();
    generation++;
    loading.clear();
    pages.clear();
    pages.total = 0;
    setVersion((v) => v + 1);
    setSelected(new Set<string>());
    if (viewport) viewport.scrollTop = 0;
    setScrollTop(0);
    void loadPage(0, generation);
  });

  // Back after the stream dropped: events may have been missed, so the pages are fetched again where the list is.
  createEffect(on(reconnects, () => reload(), { defer: true }));

  // Pages that scrolled into view.
  createEffect(() => {
    const { start, end } = range();
    for (const page of pagesCovering(start, end, PAGE_SIZE)) if (!pages.has(page)) void loadPage(page, generation);
  });

  let reloadTimer: ReturnType<typeof setTimeout> | undefined;
  const stop = onEvent('job', (event) => {
    const outcome = pages.apply(event);
    if (outcome === 'updated') setVersion((v) => v + 1);
    else if (outcome === 'reload' && reloadTimer === undefined) reloadTimer = setTimeout(() => ((reloadTimer = undefined), reload()), 400);
  });
  onCleanup(() => {
    stop();
    clearTimeout(reloadTimer);
  });

  onMount(() => {
    if (!viewport) return;
    const observer = new ResizeObserver(() => setViewportHeight(viewport!.clientHeight));
    observer.observe(viewport);
    onCleanup(() => observer.disconnect());
  });

  const rows = createMemo(() => {
    version();
    const { start, end } = range();
    const list: { row: number; job: Job | undefined }[] = [];
    for (let row = start; row < end; row++) list.push({ row, job: pages.row(row) });
    return list;
  });

  const selectedJobs = createMemo(() => {
    version();
    const ids = selected();
    const jobs: Job[] = [];
    for (let row = 0; row < total() && jobs.length < ids.size; row++) {
      const job = pages.row(row);
      if (job && ids.has(job.id)) jobs.push(job);
    }
    return jobs;
  });

  function toggle(id: string): void {
    const next = new Set(selected());
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setSelected(next);
  }

  async function act(action: JobAction): Promise<void> {
    const targets = jobsForAction(action, selectedJobs());
    if (targets.length === 0) return notify(`None of the selected jobs can be ${action === 'requeue' ? 'requeued' : action + 'ed'} in its current status.`, 'error');
    if (action === 'delete' || action === 'cancel') {
      const what = targets.length === 1 ? `"${targets[0]!.name}"` : `${targets.length} jobs`;
      const yes = await confirmAction(
        action === 'delete' ? `Delete ${what}?` : `Cancel ${what}?`,
        action === 'delete'
          ? 'Their tasks, logs and last-rendered images are removed for good.'
          : 'Running tasks are stopped; finished work is kept, and the jobs can be requeued later.',
        action === 'delete' ? 'Delete' : 'Cancel jobs',
      );
      if (!yes) return;
    }
    let failures = 0;
    let lastError = '';
    for (const job of targets) {
      try {
        if (action === 'delete') await ok(api.DELETE('/api/v3/jobs/{job_id}', { params: { path: { job_id: job.id } } }));
        else await ok(api.POST('/api/v3/jobs/{job_id}/setstatus', { params: { path: { job_id: job.id } }, body: { status: REQUESTED_STATUS[action], reason: `${action} from the studio` } }));
      } catch (error) {
        failures++;
        lastError = messageOf(error);
      }
    }
    if (failures) notify(`${failures} of ${targets.length} jobs refused: ${lastError}`, 'error');
    else notify(`${targets.length} job${targets.length === 1 ? '' : 's'}: ${action} requested.`);
    if (action === 'delete') setSelected(new Set<string>());
  }

  async function setPriority(): Promise<void> {
    const targets = selectedJobs().filter((job) => priorityEditable(job.status));
    if (targets.length === 0) return notify('Priority can change only while a job is queued or active.', 'error');
    const answer = window.prompt(`New priority for ${targets.length} job(s), 0–100 (higher runs first):`, String(targets[0]!.priority));
    if (answer === null) return;
    const priority = Number(answer);
    if (!Number.isInteger(priority) || priority < 0 || priority > 100) return notify(`"${answer}" is not a priority: give a whole number from 0 to 100.`, 'error');
    try {
      for (const job of targets) await ok(api.POST('/api/v3/jobs/{job_id}/setpriority', { params: { path: { job_id: job.id } }, body: { priority } }));
      notify(`Priority ${priority} set on ${targets.length} job(s).`);
    } catch (error) {
      notify(messageOf(error), 'error');
    }
  }

  async function massDelete(): Promise<void> {
    const answer = window.prompt('Delete every finished, canceled, failed, paused or queued job last updated before (YYYY-MM-DD):', new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10));
    if (answer === null) return;
    const when = new Date(`${answer}T00:00:00`);
    if (Number.isNaN(when.getTime())) return notify(`"${answer}" is not a date: write it as YYYY-MM-DD.`, 'error');
    const yes = await confirmAction('Delete old jobs?', `Every job last updated before ${when.toLocaleDateString()} that is not running is deleted with its tasks, logs and images.`, 'Delete old jobs');
    if (!yes) return;
    try {
      await ok(api.DELETE('/api/v3/jobs/mass-delete', { body: { last_updated_max: when.toISOString() } }));
      notify('Old jobs are being deleted.');
    } catch (error) {
      notify(messageOf(error), 'error');
    }
  }

  function sortBy(key: SortKey): void {
    setSort((current) => (current.key === key ? { key, descending: !current.descending } : { key, descending: key === 'updated_at' || key === 'priority' }));
  }

  function toggleStatus(status: JobStatus): void {
    setStatusFilter((current) => (current.includes(status) ? current.filter((s) => s !== status) : [...current, status]));
  }

  return (
    <section class="jobs-screen">
      <div class="row">
        <h1>Jobs</h1>
        <span class="muted" data-testid="job-count">
          {loaded() ? `${total()} job${total() === 1 ? '' : 's'}` : ''}
        </span>
      </div>
      <div class="toolbar" role="toolbar" aria-label="Filters">
        <fieldset class="chips">
          <legend class="visually-hidden">Status</legend>
          <For each={JOB_STATUSES.slice(0, 8)}>
            {(status) => (
              <label class="chip">
                <input type="checkbox" checked={statusFilter().includes(status)} onChange={() => toggleStatus(status)} />
                {status}
              </label>
            )}
          </For>
        </fieldset>
        <label>
          Submitter <input type="search" value={submitter()} onInput={(e) => setSubmitter(e.currentTarget.value)} placeholder="any" size="12" />
        </label>
      </div>
      <div class="toolbar" role="toolbar" aria-label="Actions on the selected jobs">
        <span class="muted">{selected().size} selected</span>
        <button type="button" disabled={selected().size === 0} onClick={() => void act('pause')}>Pause</button>
        <button type="button" disabled={selected().size === 0} onClick={() => void act('requeue')}>Requeue</button>
        <button type="button" disabled={selected().size === 0} onClick={() => void act('cancel')}>Cancel…</button>
        <button type="button" disabled={selected().size === 0} onClick={() => void setPriority()}>Priority…</button>
        <button type="button" class="danger" disabled={selected().size === 0} onClick={() => void act('delete')}>Delete…</button>
        <span class="spacer" />
        <button type="button" onClick={() => void massDelete()}>Delete old jobs…</button>
      </div>
      <Show when={loadError()}>
        <p class="error" role="alert">
          The jobs could not be loaded: {loadError()} <button type="button" onClick={reload}>Try again</button>
        </p>
      </Show>
      <div class="vtable jobs-table" role="table" aria-label="Jobs" aria-rowcount={total() + 1}>
        <div class="vrow vhead" role="row">
          <span role="columnheader" class="cell-check" />
          <For each={COLUMNS}>
            {(column) => (
              <span role="columnheader" aria-sort={column.key && sort().key === column.key ? (sort().descending ? 'descending' : 'ascending') : undefined}>
                <Show when={column.key} fallback={column.label}>
                  {(key) => (
                    <button type="button" class="link" onClick={() => sortBy(key())}>
                      {column.label}
                      {sort().key === key() ? (sort().descending ? ' ▼' : ' ▲') : ''}
                    </button>
                  )}
                </Show>
              </span>
            )}
          </For>
        </div>
        <div class="vviewport" ref={(element) => (viewport = element)} onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)} data-testid="jobs-viewport">
          <div style={{ height: `${range().totalHeight}px`, position: 'relative' }}>
            <div style={{ transform: `translateY(${range().offsetTop}px)` }}>
              <For each={rows()}>
                {(item) => (
                  <div class="vrow" role="row" aria-rowindex={item.row + 2} style={{ height: `${ROW_HEIGHT}px` }} data-testid="job-row">
                    <Show when={item.job} fallback={<span class="muted">…</span>}>
                      {(job) => (
                        <>
                          <span role="cell" class="cell-check">
                            <input type="checkbox" aria-label={`Select ${job().name}`} checked={selected().has(job().id)} onChange={() => toggle(job().id)} />
                          </span>
                          <span role="cell" class="ellipsis">
                            <Link href={`/jobs/${job().id}`}>{job().name}</Link>
                          </span>
                          <span role="cell">
                            <StatusBadge status={job().status} />
                          </span>
                          <span role="cell">
                            <progress max="100" value={progressPercent(job().steps_completed, job().steps_total)} aria-label="Progress" />{' '}
                            {progressPercent(job().steps_completed, job().steps_total)}%
                          </span>
                          <span role="cell">{job().priority}</span>
                          <span role="cell" class="ellipsis">{job().type}</span>
                          <span role="cell" class="ellipsis">{job().metadata?.['user.name'] ?? ''}</span>
                          <span role="cell" title={job().updated}>{shortTime(job().updated)}</span>
                        </>
                      )}
                    </Show>
                  </div>
                )}
              </For>
            </div>
          </div>
          <Show when={loaded() && total() === 0}>
            <p class="empty">
              No jobs{statusFilter().length || submitter() ? ' match these filters' : ' yet'}. Submit one from Blender's Tablao/Flamenco add-on, or from a{' '}
              <a href="/job-types" onClick={(e) => (e.preventDefault(), navigate('/job-types'))}>
                job type
              </a>
              's dry-run panel.
            </p>
          </Show>
        </div>
      </div>
    </section>
  );
}
