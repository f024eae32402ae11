// A job's tasks as a table that stays quick at 100,000 rows: only the rows in view exist
// (logic/virtual-list.ts), and a status filter narrows the list.

import { createMemo, createSignal, For, onCleanup, onMount, Show, type JSX } from 'solid-js';
import type { Schema } from '../api/client.ts';
import { visibleRange } from '../logic/virtual-list.ts';
import { Link } from '../router.tsx';
import { shortTime } from '../logic/format.ts';
import { StatusBadge } from './StatusBadge.tsx';

type Task = Schema<'TaskSummary'>;

const ROW_HEIGHT = 32;

export function TaskTable(props: { tasks: Task[] }): JSX.Element {
  const [only, setOnly] = createSignal<string[]>([]);
  const [scrollTop, setScrollTop] = createSignal(0);
  const [viewportHeight, setViewportHeight] = createSignal(400);
  let viewport: HTMLDivElement | undefined;

  const statuses = createMemo(() => [...new Set(props.tasks.map((task) => task.status))].sort());
  const shown = createMemo(() => (only().length === 0 ? props.tasks : props.tasks.filter((task) => only().includes(task.status))));
  const range = createMemo(() => visibleRange({ scrollTop: scrollTop(), viewportHeight: viewportHeight(), rowHeight: ROW_HEIGHT, count: shown().length }));
  const rows = createMemo(() => shown().slice(range().start, range().end));

  onMount(() => {
    if (!viewport) return;
    const observer = new ResizeObserver(() => setViewportHeight(viewport!.clientHeight));
    observer.observe(viewport);
    onCleanup(() => observer.disconnect());
  });

  function toggle(status: string): void {
    setOnly((current) => (current.includes(status) ? current.filter((s) => s !== status) : [...current, status]));
    if (viewport) viewport.scrollTop = 0;
    setScrollTop(0);
  }

  return (
    <div data-testid="job-tasks">
      <fieldset class="chips">
        <legend class="visually-hidden">Show only tasks that are</legend>
        <For each={statuses()}>
          {(status) => (
            <label class="chip">
              <input type="checkbox" checked={only().includes(status)} onChange={() => toggle(status)} />
              {status}
            </label>
          )}
        </For>
        <span class="muted">{shown().length} of {props.tasks.length} tasks</span>
      </fieldset>
      <div class="vtable" role="table" aria-label="Tasks" aria-rowcount={shown().length + 1}>
        <div class="vrow task-row vhead" role="row">
          <span role="columnheader">#</span>
          <span role="columnheader">Name</span>
          <span role="columnheader">Status</span>
          <span role="columnheader">Type</span>
          <span role="columnheader">Worker</span>
          <span role="columnheader">Steps</span>
          <span role="columnheader">Updated</span>
        </div>
        <div class="vviewport task-viewport" ref={(element) => (viewport = element)} onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}>
          <div style={{ height: `${range().totalHeight}px`, position: 'relative' }}>
            <div style={{ transform: `translateY(${range().offsetTop}px)` }}>
              <For each={rows()}>
                {(task) => (
                  <div class="vrow task-row" role="row" aria-rowindex={task.index_in_job + 2} style={{ height: `${ROW_HEIGHT}px` }}>
                    <span role="cell">{task.index_in_job + 1}</span>
                    <span role="cell" class="ellipsis">
                      <Link href={`/tasks/${task.id}`}>{task.name}</Link>
                    </span>
                    <span role="cell">
                      <StatusBadge status={task.status} />
                    </span>
                    <span role="cell" class="ellipsis">{task.task_type}</span>
                    <span role="cell" class="ellipsis">{task.worker?.name ?? ''}</span>
                    <span role="cell">
                      {task.steps_completed}/{task.steps_total}
                    </span>
                    <span role="cell">{shortTime(task.updated)}</span>
                  </div>
                )}
              </For>
            </div>
          </div>
          <Show when={shown().length === 0}>
            <p class="empty">No tasks {only().length ? 'with these statuses' : 'in this job'}.</p>
          </Show>
        </div>
      </div>
    </div>
  );
}
