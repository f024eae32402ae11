// The manager's live updates (`GET /api/v3/events`, Server-Sent Events) for the whole app: one
// connection, whose scope follows the screen (a job's task events, a task's log lines), and a
// state the header shows — live, connecting, or reconnecting after the stream dropped.

import { createSignal } from 'solid-js';
import type { Schema } from './client.ts';

export type StreamState = 'connecting' | 'live' | 'reconnecting';

export interface EventPayloads {
  job: Schema<'EventJobUpdate'>;
  task: Schema<'EventTaskUpdate'>;
  worker: Schema<'EventWorkerUpdate'>;
  'task-log': Schema<'EventTaskLogUpdate'>;
  'last-rendered': Schema<'EventLastRenderedUpdate'>;
  'worker-tag': Schema<'EventWorkerTagUpdate'>;
  'job-type': Schema<'EventJobTypeUpdate'>;
}

export type EventName = keyof EventPayloads;

const EVENT_NAMES: EventName[] = ['job', 'task', 'worker', 'task-log', 'last-rendered', 'worker-tag', 'job-type'];

export interface StreamScope {
  jobId?: string;
  taskId?: string;
}

type Handler<E extends EventName> = (payload: EventPayloads[E]) => void;

const [state, setState] = createSignal<StreamState>('connecting');
/** Bumped when the stream comes back after a drop: screens reload what they show, as events may have been missed. */
const [reconnects, setReconnects] = createSignal(0);
export { reconnects, state as streamState };

const handlers = new Map<EventName, Set<Handler<EventName>>>();
let source: EventSource | undefined;
let scope: StreamScope = {};
let retryTimer: ReturnType<typeof setTimeout> | undefined;
let retryDelay = 1000;
let everOpen = false;

export function onEvent<E extends EventName>(name: E, handler: Handler<E>): () => void {
  let set = handlers.get(name);
  if (!set) handlers.set(name, (set = new Set()));
  set.add(handler as Handler<EventName>);
  return () => set.delete(handler as Handler<EventName>);
}

/** Opens the stream (or reopens it for another scope). */
export function connectEvents(next: StreamScope = scope): void {
  const same = source && next.jobId === scope.jobId && next.taskId === scope.taskId;
  scope = next;
  if (same) return;
  open();
}

function open(): void {
  source?.close();
  clearTimeout(retryTimer);
  const query = new URLSearchParams();
  if (scope.jobId) query.set('job_id', scope.jobId);
  if (scope.taskId) query.set('task_id', scope.taskId);
  const url = `/api/v3/events${query.size ? `?${query}` : ''}`;
  const stream = new EventSource(url);
  source = stream;
  if (state() !== 'reconnecting') setState('connecting');
  stream.onopen = () => {
    if (source !== stream) return;
    const wasDown = state() === 'reconnecting';
    setState('live');
    retryDelay = 1000;
    if (wasDown && everOpen) setReconnects((n) => n + 1);
    everOpen = true;
  };
  stream.onerror = () => {
    if (source !== stream) return;
    setState('reconnecting');
    // The browser retries by itself while the stream is CONNECTING; a refusal closes it for good.
    if (stream.readyState === EventSource.CLOSED) {
      retryTimer = setTimeout(open, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 15_000);
    }
  };
  for (const name of EVENT_NAMES) {
    stream.addEventListener(name, (message) => {
      const set = handlers.get(name);
      if (!set || set.size === 0) return;
      let payload: unknown;
      try {
        payload = JSON.parse((message as MessageEvent<string>).data);
      } catch {
        return;
      }
      for (const handler of [...set]) handler(payload as EventPayloads[EventName]);
    });
  }
}

/** For tests and the bench: close the stream. */
export function disconnectEvents(): void {
  source?.close();
  source = undefined;
  clearTimeout(retryTimer);
}
