// The live-update streams: every farm event gets a sequence number and is kept in a bounded
// ring buffer, so a client that reconnects with `Last-Event-ID` gets what it missed; each open
// stream receives the events its filter selects, and a comment line when things are quiet.
//
// Sequence numbers start at the manager's start time in microseconds, so ids from an earlier
// run of the manager are always lower than this run's: a client coming back after a restart
// gets this run's events from the start (if still buffered) instead of skipping some.

import type { EventBus, FarmEvent, FarmEventType } from './event-bus.ts';

export interface StreamFilter {
  /** Only these event types; all when absent. */
  types?: ReadonlySet<FarmEventType>;
  /** `task` events come only for this job. */
  jobId?: string;
  /** `task-log` events come only for this task. */
  taskId?: string;
}

/** Where a stream's text goes; `end` closes the connection. */
export interface StreamSink {
  write(text: string): void;
  end(): void;
}

export interface StreamHandle {
  close(): void;
}

export interface Timers {
  setInterval(callback: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export interface EventStreamHubOptions {
  /** Most events kept for resuming. */
  bufferEvents?: number;
  /** Most bytes of serialised events kept for resuming (task-log events can be large). */
  bufferBytes?: number;
  maxStreams?: number;
  maxStreamsPerAddress?: number;
  heartbeatMs?: number;
  /** Fills in a payload's missing fields before it is numbered and sent. */
  complete?: (event: FarmEvent) => Promise<FarmEvent>;
  /** Events waiting for `complete` beyond which events are sent as published. */
  maxPendingCompletions?: number;
  onError?: (error: unknown) => void;
  timers?: Timers;
  /** The first sequence number minus one; defaults to the start time in microseconds. */
  startSequence?: number;
}

export class TooManyStreamsError extends Error {}

interface BufferedEvent {
  seq: number;
  type: FarmEventType;
  jobId: string | undefined;
  taskId: string | undefined;
  /** The whole SSE message, ready to write. */
  text: string;
}

interface Stream {
  address: string;
  filter: StreamFilter;
  sink: StreamSink;
}

const DEFAULTS = {
  bufferEvents: 2000,
  bufferBytes: 16 * 1024 * 1024,
  maxStreams: 2000,
  maxStreamsPerAddress: 64,
  heartbeatMs: 15_000,
  maxPendingCompletions: 10_000,
};

export const HEARTBEAT = ': keep-alive\n\n';

export class EventStreamHub {
  readonly #options: typeof DEFAULTS & EventStreamHubOptions;
  readonly #timers: Timers;
  readonly #streams = new Set<Stream>();
  readonly #perAddress = new Map<string, number>();
  readonly #buffer: BufferedEvent[] = [];
  #bufferStart = 0;
  #bufferBytes = 0;
  readonly #firstSeq: number;
  #lastSeq: number;
  /** Whether the buffer still holds this run's first event. */
  #complete = true;
  #pending = Promise.resolve();
  #pendingCount = 0;
  #heartbeat: unknown;
  #closed = false;

  constructor(bus: EventBus, options: EventStreamHubOptions = {}) {
    this.#options = { ...DEFAULTS, ...options };
    this.#timers = options.timers ?? { setInterval: (callback, ms) => setInterval(callback, ms).unref(), clearInterval: (h) => clearInterval(h as NodeJS.Timeout) };
    this.#lastSeq = options.startSequence ?? Date.now() * 1000;
    this.#firstSeq = this.#lastSeq + 1;
    bus.subscribe((event) => this.#receive(event));
    bus.onClose(() => {
      this.close();
      return this.#pending;
    });
  }

  get streamCount(): number {
    return this.#streams.size;
  }

  /** The newest sequence number handed out (the first minus one before any event). */
  get lastSequence(): number {
    return this.#lastSeq;
  }

  /**
   * Opens a stream: first the buffered events after `lastEventId` (when it names an event this
   * manager can resume from), then live events. Throws TooManyStreamsError past the limits.
   */
  open(address: string, filter: StreamFilter, lastEventId: string | undefined, sink: StreamSink): StreamHandle {
    if (this.#closed) throw new TooManyStreamsError('the manager is shutting down');
    const fromAddress = this.#perAddress.get(address) ?? 0;
    if (fromAddress >= this.#options.maxStreamsPerAddress) {
      throw new TooManyStreamsError(`${fromAddress} event streams are already open from ${address}; close one (each browser tab needs only one)`);
    }
    if (this.#streams.size >= this.#options.maxStreams) {
      throw new TooManyStreamsError(`the manager already serves ${this.#streams.size} event streams; close one or try again later`);
    }
    const stream: Stream = { address, filter, sink };
    for (const event of this.#replay(lastEventId)) if (matches(filter, event)) sink.write(event.text);
    this.#streams.add(stream);
    this.#perAddress.set(address, fromAddress + 1);
    this.#heartbeat ??= this.#timers.setInterval(() => this.heartbeat(), this.#options.heartbeatMs);
    return { close: () => this.#remove(stream) };
  }

  /** Sends the keep-alive comment to every stream. */
  heartbeat(): void {
    for (const stream of this.#streams) stream.sink.write(HEARTBEAT);
  }

  /** Resolves once every event published so far has been sent. */
  flushed(): Promise<void> {
    return this.#pending;
  }

  /** Ends every stream; later events are ignored. */
  close(): void {
    this.#closed = true;
    for (const stream of [...this.#streams]) {
      this.#remove(stream);
      stream.sink.end();
    }
  }

  #remove(stream: Stream): void {
    if (!this.#streams.delete(stream)) return;
    const left = (this.#perAddress.get(stream.address) ?? 1) - 1;
    if (left > 0) this.#perAddress.set(stream.address, left);
    else this.#perAddress.delete(stream.address);
    if (this.#streams.size === 0 && this.#heartbeat !== undefined) {
      this.#timers.clearInterval(this.#heartbeat);
      this.#heartbeat = undefined;
    }
  }

  #receive(event: FarmEvent): void {
    if (this.#closed) return;
    const complete = this.#options.complete;
    if (!complete || this.#pendingCount >= this.#options.maxPendingCompletions) {
      // Still in order: after whatever is being completed.
      this.#pending = this.#pending.then(() => this.#dispatch(event));
      return;
    }
    this.#pendingCount++;
    const completion = this.#pending.then(async () => {
      // After close the database may be gone: nothing is sent any more anyway.
      if (this.#closed) return event;
      try {
        return await complete(event);
      } catch (error) {
        this.#options.onError?.(error);
        return event;
      }
    });
    this.#pending = completion.then((completed) => {
      this.#pendingCount--;
      this.#dispatch(completed);
    });
  }

  /** Numbers, keeps and sends one event; never throws (the queue of events must go on). */
  #dispatch(event: FarmEvent): void {
    if (this.#closed) return;
    let data: string;
    try {
      data = JSON.stringify(event.data);
    } catch (error) {
      this.#options.onError?.(error);
      return;
    }
    const seq = ++this.#lastSeq;
    const buffered: BufferedEvent = {
      seq,
      type: event.type,
      jobId: typeof event.data.job_id === 'string' ? event.data.job_id : undefined,
      taskId: typeof event.data.task_id === 'string' ? event.data.task_id : undefined,
      text: `event: ${event.type}\nid: ${seq}\ndata: ${data}\n\n`,
    };
    this.#remember(buffered);
    for (const stream of this.#streams) {
      if (!matches(stream.filter, buffered)) continue;
      try {
        stream.sink.write(buffered.text);
      } catch (error) {
        this.#options.onError?.(error);
        this.#remove(stream);
      }
    }
  }

  #remember(event: BufferedEvent): void {
    this.#buffer.push(event);
    this.#bufferBytes += event.text.length;
    while (this.#buffer.length - this.#bufferStart > this.#options.bufferEvents || this.#bufferBytes > this.#options.bufferBytes) {
      const dropped = this.#buffer[this.#bufferStart++];
      if (!dropped) break;
      this.#bufferBytes -= dropped.text.length;
      this.#complete = false;
    }
    // Compact now and then rather than shifting on every event.
    if (this.#bufferStart > 1024 && this.#bufferStart * 2 > this.#buffer.length) {
      this.#buffer.splice(0, this.#bufferStart);
      this.#bufferStart = 0;
    }
  }

  /** The buffered events a client that last saw `lastEventId` missed; none if it cannot be told. */
  #replay(lastEventId: string | undefined): BufferedEvent[] {
    if (lastEventId === undefined || !/^\d{1,16}$/.test(lastEventId.trim())) return [];
    const last = Number(lastEventId.trim());
    const held = this.#buffer.slice(this.#bufferStart);
    if (last < this.#firstSeq - 1 || last > this.#lastSeq) {
      // An id from another run of the manager: everything this run sent is news to the client.
      return this.#complete ? held : [];
    }
    const oldest = held[0]?.seq ?? this.#lastSeq + 1;
    if (last < oldest - 1) return []; // Some of what it missed is gone; resuming would hide that.
    return held.filter((event) => event.seq > last);
  }
}

function matches(filter: StreamFilter, event: BufferedEvent): boolean {
  if (filter.types && !filter.types.has(event.type)) return false;
  if (event.type === 'task') return filter.jobId !== undefined && event.jobId === filter.jobId;
  if (event.type === 'task-log') return filter.taskId !== undefined && event.taskId === filter.taskId;
  return true;
}
