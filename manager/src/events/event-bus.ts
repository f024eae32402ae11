// What changed on the farm, for live updates (the SSE stream, metrics). Publishers call
// `publish` after their transaction committed; subscribers must not throw or block.

export type FarmEventType = 'job' | 'task' | 'worker' | 'worker-tag' | 'task-log' | 'last-rendered' | 'job-type';

export interface FarmEvent {
  type: FarmEventType;
  /** The event's payload as the API documents it (Flamenco's Event*Update shapes). */
  data: Record<string, unknown>;
}

export type FarmEventListener = (event: FarmEvent) => void;

export class EventBus {
  readonly #listeners = new Set<FarmEventListener>();
  readonly #closeListeners = new Set<() => void | Promise<void>>();
  #closed = false;

  publish(event: FarmEvent): void {
    if (this.#closed) return;
    for (const listener of this.#listeners) listener(event);
  }

  subscribe(listener: FarmEventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Called once when the manager stops, so long-lived listeners (event streams) can end; a
   * listener may return a promise of the work it still finishes (the database is open till then).
   */
  onClose(listener: () => void | Promise<void>): () => void {
    if (this.#closed) void listener();
    else this.#closeListeners.add(listener);
    return () => this.#closeListeners.delete(listener);
  }

  /** The manager is stopping: later events are dropped, and close listeners run and finish. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const finishing = [...this.#closeListeners].map((listener) => listener());
    this.#closeListeners.clear();
    await Promise.all(finishing);
  }
}
