import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import sharp from 'sharp';
import { EventBus, type FarmEvent } from '../../src/events/event-bus.ts';
import { EventStreamHub, HEARTBEAT, type StreamSink } from '../../src/events/event-stream-hub.ts';
import { createApiAjv, documentRef } from '../../src/http/api-document.ts';
import { submitEchoJob } from '../support/submissions.ts';
import { onEachDatabase, startTestManager, type TestManager } from '../support/test-manager.ts';
import { giveTaskToWorker, insertWorkerWithCredentials } from '../support/worker-rows.ts';

interface Message {
  event: string;
  id: string;
  data: Record<string, unknown>;
}

/** A Server-Sent Events client: parses the stream into messages and comments as they come. */
class EventStreamClient {
  readonly messages: Message[] = [];
  readonly comments: string[] = [];
  retry: number | undefined;
  ended = false;
  readonly #abort = new AbortController();
  #wake: (() => void) | undefined;
  response!: Response;

  static async open(manager: TestManager, query = '', headers: Record<string, string> = {}): Promise<EventStreamClient> {
    const client = new EventStreamClient();
    client.response = await fetch(`${manager.url}/api/v3/events${query}`, { headers, signal: client.#abort.signal });
    if (client.response.ok) void client.#read();
    return client;
  }

  async #read(): Promise<void> {
    const decoder = new TextDecoder();
    let pending = '';
    try {
      for await (const chunk of this.response.body as unknown as AsyncIterable<Uint8Array>) {
        pending += decoder.decode(chunk, { stream: true });
        let end;
        while ((end = pending.indexOf('\n\n')) >= 0) {
          this.#parse(pending.slice(0, end));
          pending = pending.slice(end + 2);
        }
        this.#wake?.();
      }
    } catch {
      // Aborted by close().
    }
    this.ended = true;
    this.#wake?.();
  }

  #parse(block: string): void {
    const fields: Record<string, string> = {};
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) this.comments.push(line.slice(1).trim());
      else {
        const colon = line.indexOf(':');
        fields[line.slice(0, colon)] = line.slice(colon + 1).replace(/^ /, '');
      }
    }
    if (fields.retry !== undefined) this.retry = Number(fields.retry);
    if (fields.data !== undefined) this.messages.push({ event: fields.event ?? 'message', id: fields.id ?? '', data: JSON.parse(fields.data) });
  }

  /** Waits until a message satisfies `done`; returns the messages up to and including it. */
  async until(done: (message: Message) => boolean): Promise<Message[]> {
    for (;;) {
      const index = this.messages.findIndex(done);
      if (index >= 0) return this.messages.slice(0, index + 1);
      if (this.ended) throw new Error(`the stream ended; got ${JSON.stringify(this.messages)}`);
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
  }

  async untilEnded(): Promise<void> {
    while (!this.ended) {
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
  }

  close(): void {
    this.#abort.abort();
  }
}

const newJob = (manager: TestManager) => submitEchoJob(manager, { name: 'events test', priority: 40, settings: { message: 'hi', sleep_repeats: 1 } });

/** A job event every stream gets: the end of a test's events. */
function marker(): FarmEvent & { data: { id: string } } {
  return { type: 'job', data: { id: randomUUID(), name: 'marker', updated: new Date().toISOString(), status: 'queued', type: 'x', priority: 1, refresh_tasks: false, steps_completed: 0, steps_total: 0 } };
}
const isMarker = (event: FarmEvent) => (message: Message) => message.event === 'job' && message.data.id === event.data.id;

const ajv = createApiAjv();
const validMessage = ajv.compile({ $ref: documentRef('components', 'schemas', 'EventStreamMessage') });

onEachDatabase('live events', (manager) => {
  const clients: EventStreamClient[] = [];
  const open = async (query = '', headers: Record<string, string> = {}) => {
    const client = await EventStreamClient.open(manager(), query, headers);
    clients.push(client);
    return client;
  };
  afterEach(() => {
    for (const client of clients.splice(0)) client.close();
  });

  it('opens an event stream that tells browsers how soon to reconnect', async () => {
    const client = await open();
    assert.equal(client.response.status, 200);
    assert.match(client.response.headers.get('content-type') ?? '', /^text\/event-stream/);
    assert.equal(client.response.headers.get('cache-control'), 'no-cache, no-transform');
    const end = marker();
    manager().services.events.publish(end);
    await client.until(isMarker(end));
    assert.equal(client.retry, 3000);
  });

  it('sends job, worker, last-rendered, worker-tag and job-type events to everyone, task and task-log events only to who asks', async () => {
    const jobId = randomUUID();
    const taskId = randomUUID();
    const everything = await open();
    const forJob = await open(`?job_id=${jobId}`);
    const forTask = await open(`?task_id=${taskId}`);
    const onlyTasks = await open(`?types=task,task-log&job_id=${jobId}&task_id=${taskId}`);
    const now = new Date().toISOString();
    const published: FarmEvent[] = [
      { type: 'worker', data: { id: randomUUID(), name: 'w', updated: now, status: 'awake', version: '3.9', can_restart: false } },
      { type: 'task', data: { id: taskId, job_id: jobId, name: 't', updated: now, status: 'active', activity: '', steps_completed: 0, steps_total: 1 } },
      { type: 'task', data: { id: randomUUID(), job_id: randomUUID(), name: 'other', updated: now, status: 'active', activity: '', steps_completed: 0, steps_total: 1 } },
      { type: 'task-log', data: { task_id: taskId, log: 'a line\n' } },
      { type: 'task-log', data: { task_id: randomUUID(), log: 'another task\n' } },
      { type: 'last-rendered', data: { job_id: randomUUID(), thumbnail: { base: '/job-files/x', suffixes: ['last-rendered.jpg'] } } },
      { type: 'worker-tag', data: { tag: { id: randomUUID(), name: 'gpu' } } },
      { type: 'job-type', data: { name: 'my-type', change: 'created', origin: 'custom', version: 1 } },
    ];
    for (const event of published) manager().services.events.publish(event);
    // Ends of what each stream gets: a job event, and a task-log event for streams without jobs.
    const end = marker();
    const endLog: FarmEvent = { type: 'task-log', data: { task_id: taskId, log: 'END\n' } };
    manager().services.events.publish(endLog);
    manager().services.events.publish(end);

    const got = async (client: EventStreamClient, last: (m: Message) => boolean) =>
      (await client.until(last)).slice(0, -1).map((m) => [m.event, m.data]).filter(([, data]) => data !== endLog.data);
    const isEndLog = (m: Message) => m.event === 'task-log' && m.data.log === 'END\n';
    const as = (events: FarmEvent[]) => events.map((e) => [e.type, e.data]);
    const [worker, ourTask, , ourLog, , rendered, tag, jobType] = published as FarmEvent[];
    assert.deepEqual(await got(everything, isMarker(end)), as([worker, rendered, tag, jobType] as FarmEvent[]));
    assert.deepEqual(await got(forJob, isMarker(end)), as([worker, ourTask, rendered, tag, jobType] as FarmEvent[]));
    assert.deepEqual(await got(forTask, isEndLog), as([worker, ourLog, rendered, tag, jobType] as FarmEvent[]));
    assert.deepEqual(await got(onlyTasks, isEndLog), as([ourTask, ourLog] as FarmEvent[]));
  });

  it('numbers events in order, and every message fits the documented shapes', async () => {
    const { jobId, taskIds } = await newJob(manager());
    const client = await open(`?job_id=${jobId}&task_id=${taskIds[0]}`);
    await manager().services.taskLogs.append(jobId, taskIds[0] as string, 'rendering frame 1');
    const end = marker();
    manager().services.events.publish(end);
    const messages = await client.until(isMarker(end));
    const ids = messages.map((m) => Number(m.id));
    assert.ok(ids.every((id, i) => Number.isSafeInteger(id) && (i === 0 || id > (ids[i - 1] as number))), `increasing ids: ${ids.join(', ')}`);
    for (const message of messages) assert.ok(validMessage(message), `${JSON.stringify(message)}: ${ajv.errorsText(validMessage.errors)}`);
    assert.deepEqual(
      messages.filter((m) => m.event === 'task-log').map((m) => m.data),
      [{ task_id: taskIds[0], log: 'rendering frame 1\n' }],
    );
  });

  it('fills in what a publisher left out of job, task and worker events', async () => {
    const { jobId, taskIds } = await newJob(manager());
    const { workerId } = await insertWorkerWithCredentials(manager().db, { name: 'render-07', software: '3.9-tablao' });
    await giveTaskToWorker(manager().db, taskIds[0] as string, workerId);
    const client = await open(`?job_id=${jobId}`);
    const now = new Date().toISOString();
    manager().services.events.publish({ type: 'job', data: { id: jobId, status: 'active', previous_status: 'queued', refresh_tasks: false, updated: now } });
    manager().services.events.publish({ type: 'task', data: { id: taskIds[0] as string, job_id: jobId, status: 'active', previous_status: 'queued', updated: now } });
    manager().services.events.publish({ type: 'worker', data: { id: workerId, status: 'asleep', previous_status: 'awake', updated: now } });
    const end = marker();
    manager().services.events.publish(end);
    const [job, task, worker] = await client.until(isMarker(end));
    assert.deepEqual(job, {
      event: 'job',
      id: job?.id,
      data: { id: jobId, name: 'events test', type: 'echo-sleep-test', priority: 40, status: 'active', previous_status: 'queued', refresh_tasks: false, updated: now, steps_completed: 0, steps_total: 2 },
    });
    assert.deepEqual(task?.data, {
      id: taskIds[0],
      job_id: jobId,
      name: 'echo',
      status: 'active',
      previous_status: 'queued',
      updated: now,
      activity: '',
      steps_completed: 0,
      steps_total: 1,
      worker: { name: 'render-07', uuid: workerId },
    });
    assert.equal(worker?.data.status, 'asleep', 'what the publisher said wins over the database');
    assert.equal(worker?.data.name, 'render-07');
    assert.equal(worker?.data.version, '3.9-tablao');
    assert.equal(worker?.data.can_restart, false);
    for (const message of [job, task, worker]) assert.ok(validMessage(message), ajv.errorsText(validMessage.errors));
  });

  it('sends a last-rendered event once a worker\u2019s image is ready', async () => {
    const { jobId, taskIds } = await newJob(manager());
    const { workerId, auth } = await insertWorkerWithCredentials(manager().db);
    await giveTaskToWorker(manager().db, taskIds[0] as string, workerId);
    const client = await open('?types=last-rendered');
    const image = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#336699' } }).png().toBuffer();
    const sent = await fetch(`${manager().url}/api/v3/worker/task/${taskIds[0]}/output-produced`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'image/png' },
      body: new Uint8Array(image),
    });
    assert.equal(sent.status, 202);
    const [message] = await client.until((m) => m.data.job_id === jobId);
    assert.deepEqual(message?.data, {
      job_id: jobId,
      thumbnail: { base: `/job-files/job-${jobId.slice(0, 4)}/${jobId}`, suffixes: ['last-rendered.jpg', 'last-rendered-small.jpg', 'last-rendered-tiny.jpg'] },
    });
    const tiny = await fetch(`${manager().url}${message?.data.thumbnail && (message.data.thumbnail as { base: string }).base}/last-rendered-tiny.jpg`);
    assert.equal(tiny.status, 200, 'the images are there when the event comes');
  });

  it('resumes after Last-Event-ID with what the client missed, as its filter selects', async () => {
    const jobId = randomUUID();
    const first = await open(`?job_id=${jobId}`);
    const seen = marker();
    manager().services.events.publish(seen);
    const [lastSeen] = (await first.until(isMarker(seen))).slice(-1);
    first.close();

    const now = new Date().toISOString();
    const missedTask: FarmEvent = { type: 'task', data: { id: randomUUID(), job_id: jobId, name: 't', updated: now, status: 'queued', activity: '', steps_completed: 0, steps_total: 1 } };
    const otherJobTask: FarmEvent = { type: 'task', data: { ...missedTask.data, id: randomUUID(), job_id: randomUUID() } };
    const missedJob = marker();
    for (const event of [missedTask, otherJobTask, missedJob]) manager().services.events.publish(event);

    const resumed = await open(`?job_id=${jobId}`, { 'last-event-id': lastSeen?.id as string });
    const live = marker();
    manager().services.events.publish(live);
    const messages = await resumed.until(isMarker(live));
    assert.deepEqual(
      messages.map((m) => m.data.id),
      [missedTask.data.id, missedJob.data.id, live.data.id],
    );
    assert.ok(Number(messages[0]?.id) > Number(lastSeen?.id));

    // An id that is not one of ours resumes nothing, and the stream still works.
    const strange = await open('', { 'last-event-id': 'yesterday' });
    const after = marker();
    manager().services.events.publish(after);
    assert.deepEqual((await strange.until(isMarker(after))).map((m) => m.data.id), [after.data.id]);
  });

  it('after a manager restart, sends a returning client everything of the new run', async () => {
    const fresh = await startTestManager('sqlite');
    try {
      const early = marker();
      fresh.services.events.publish(early);
      const client = await EventStreamClient.open(fresh, '', { 'last-event-id': '12' });
      const later = marker();
      fresh.services.events.publish(later);
      const messages = await client.until(isMarker(later));
      assert.deepEqual(messages.map((m) => m.data.id), [early.data.id, later.data.id]);
      client.close();
    } finally {
      await fresh.stop();
    }
  });

  it('refuses bad filters with 400', async () => {
    for (const query of ['?types=job,nonsense', '?job_id=not-a-uuid', '?task_id=42', '?types=']) {
      const answer = await manager().request('GET', `/api/v3/events${query}`);
      assert.equal(answer.status, 400, query);
      assert.equal(answer.body.code, 400);
    }
  });

  it('serves many streams, refuses more than 64 from one address with 429, and frees them when clients go', async () => {
    const many = await Promise.all(Array.from({ length: 64 }, () => open('?types=job')));
    assert.ok(many.every((client) => client.response.status === 200));
    const tooMany = await manager().request('GET', '/api/v3/events');
    assert.equal(tooMany.status, 429);
    assert.match(tooMany.body.message, /64 event streams are already open/);

    const end = marker();
    manager().services.events.publish(end);
    await Promise.all(many.map((client) => client.until(isMarker(end))));

    for (const client of many) client.close();
    let reopened: EventStreamClient | undefined;
    for (let attempt = 0; attempt < 200 && reopened?.response.status !== 200; attempt++) {
      reopened?.close();
      reopened = await open();
      if (reopened.response.status !== 200) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.equal(reopened?.response.status, 200, 'closed streams make room');
  });

  it('cuts off a client that falls too far behind reading its events', async () => {
    const taskId = randomUUID();
    const { hostname, port } = new URL(manager().url);
    const socket = connect(Number(port), hostname);
    socket.write(`GET /api/v3/events?types=task-log&task_id=${taskId} HTTP/1.1\r\nHost: ${hostname}\r\n\r\n`);
    let received = '';
    socket.once('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      socket.pause(); // And read no more for now.
    });
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    for (let attempt = 0; attempt < 200 && !received.includes('connected'); attempt++) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.match(received, /^HTTP\/1\.1 200/);

    // Far more than the 4 MiB a client may fall behind, beyond what socket buffers hold.
    const line = 'x'.repeat(1024 * 1024 - 1) + '\n';
    for (let n = 0; n < 48; n++) manager().services.events.publish({ type: 'task-log', data: { task_id: taskId, log: line } });
    socket.resume();
    socket.on('data', () => undefined);
    await closed;
  });

  it('ends open streams when the manager stops', async () => {
    const other = await startTestManager('sqlite');
    const client = await EventStreamClient.open(other, '');
    assert.equal(client.response.status, 200);
    await other.stop();
    await client.untilEnded();
    assert.equal(client.ended, true);
  });
});

describe('event stream hub', () => {
  const collect = (): StreamSink & { texts: string[]; ended: boolean } => {
    const sink = {
      texts: [] as string[],
      ended: false,
      write(text: string) {
        sink.texts.push(text);
      },
      end() {
        sink.ended = true;
      },
    };
    return sink;
  };
  const job = (n: number): FarmEvent => ({ type: 'job', data: { id: `job-${n}` } });
  const ids = (texts: string[]) => texts.filter((t) => t.startsWith('event:')).map((t) => /"id":"([^"]+)"/.exec(t)?.[1]);

  it('keeps a bounded buffer, and resumes nothing once what a client missed is gone', async () => {
    const bus = new EventBus();
    const hub = new EventStreamHub(bus, { bufferEvents: 3, startSequence: 100 });
    for (let n = 1; n <= 5; n++) bus.publish(job(n));
    await hub.flushed();
    assert.equal(hub.lastSequence, 105);

    const resumable = collect();
    hub.open('a', {}, '102', resumable);
    assert.deepEqual(ids(resumable.texts), ['job-3', 'job-4', 'job-5']);
    const gap = collect();
    hub.open('a', {}, '101', gap);
    assert.deepEqual(ids(gap.texts), [], 'job-2 is gone: no partial replay');
    const previousRun = collect();
    hub.open('a', {}, '7', previousRun);
    assert.deepEqual(ids(previousRun.texts), [], 'the start of this run is gone too');
    hub.close();
  });

  it('bounds the buffer in bytes as well', async () => {
    const bus = new EventBus();
    const hub = new EventStreamHub(bus, { bufferBytes: 1000, startSequence: 0 });
    for (let n = 1; n <= 5; n++) bus.publish({ type: 'worker', data: { id: `w${n}`, note: 'x'.repeat(300) } });
    await hub.flushed();
    const sink = collect();
    hub.open('a', {}, '0', sink);
    assert.deepEqual(ids(sink.texts), [], 'the first events were dropped');
    const recent = collect();
    hub.open('a', {}, '3', recent);
    assert.deepEqual(ids(recent.texts), ['w4', 'w5']);
    hub.close();
  });

  it('sends a heartbeat comment while streams are open, and stops its timer when none are', async () => {
    const timers: { callback: () => void; cleared: boolean }[] = [];
    const hub = new EventStreamHub(new EventBus(), {
      timers: {
        setInterval: (callback) => {
          const timer = { callback, cleared: false };
          timers.push(timer);
          return timer;
        },
        clearInterval: (timer) => {
          (timer as { cleared: boolean }).cleared = true;
        },
      },
    });
    assert.equal(timers.length, 0, 'no timer without streams');
    const one = collect();
    const two = collect();
    const first = hub.open('a', {}, undefined, one);
    const second = hub.open('b', {}, undefined, two);
    assert.equal(timers.length, 1, 'one timer for all streams');
    timers[0]?.callback();
    assert.deepEqual([one.texts, two.texts], [[HEARTBEAT], [HEARTBEAT]]);
    assert.match(HEARTBEAT, /^:[^\n]*\n\n$/);
    first.close();
    assert.equal(timers[0]?.cleared, false);
    second.close();
    assert.equal(timers[0]?.cleared, true);
    assert.equal(hub.streamCount, 0);
  });

  it('completes payloads in order, even when completion takes longer for earlier events, and survives failures', async () => {
    const bus = new EventBus();
    const errors: unknown[] = [];
    const hub = new EventStreamHub(bus, {
      startSequence: 0,
      complete: async (event) => {
        if (event.data.id === 'job-2') throw new Error('database busy');
        if (event.data.id === 'job-1') await new Promise((resolve) => setTimeout(resolve, 5));
        return { type: event.type, data: { ...event.data, completed: true } };
      },
      onError: (error) => errors.push(error),
    });
    const sink = collect();
    hub.open('a', {}, undefined, sink);
    for (let n = 1; n <= 3; n++) bus.publish(job(n));
    await hub.flushed();
    assert.deepEqual(ids(sink.texts), ['job-1', 'job-2', 'job-3']);
    assert.deepEqual(
      sink.texts.map((t) => t.includes('"completed":true')),
      [true, false, true],
    );
    assert.deepEqual(
      sink.texts.map((t) => /^id: (\d+)$/m.exec(t)?.[1]),
      ['1', '2', '3'],
    );
    assert.equal(errors.length, 1);
  });

  it('ends every stream and refuses new ones when the bus closes', () => {
    const bus = new EventBus();
    const hub = new EventStreamHub(bus);
    const sink = collect();
    hub.open('a', {}, undefined, sink);
    bus.close();
    assert.equal(sink.ended, true);
    assert.equal(hub.streamCount, 0);
    assert.throws(() => hub.open('a', {}, undefined, collect()), /shutting down/);
  });
});
