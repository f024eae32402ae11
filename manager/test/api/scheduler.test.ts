import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { JobStatus, TaskStatus } from '../../src/domain/statuses.ts';
import { chooseTaskFor, type DispatchJob, type DispatchTask, type DispatchWorker } from '../../src/domain/task-choice.ts';
import type { Database } from '../../src/storage/database.ts';
import { insertFarmJob, nextCreatedAt, type FarmTask } from '../support/job-rows.ts';
import { SimulatedWorker, type AssignedTask } from '../support/simulated-worker.ts';
import { onEachDatabase } from '../support/test-manager.ts';

// ───────────── building farms directly in the database (see support/job-rows.ts) ─────────────

/** Takes every job off the farm (their tasks, failures and blocklists go with them). */
async function clearFarm(db: Database): Promise<void> {
  await db('jobs').delete();
}

async function createTag(db: Database, name: string): Promise<string> {
  const id = randomUUID();
  await db('worker_tags').insert({ id, name, description: '' });
  return id;
}

async function tagWorker(db: Database, workerId: string, tagId: string): Promise<void> {
  await db('worker_tag_members').insert({ worker_id: workerId, tag_id: tagId });
}

async function assignedName(worker: SimulatedWorker): Promise<string | undefined> {
  return (await worker.nextTask())?.name;
}

/** Every task of the farm as the domain's task-choice.ts sees it. */
async function loadDispatchTasks(db: Database): Promise<DispatchTask[]> {
  const blocklist: { job_id: string; worker_id: string; task_type: string }[] = await db('job_blocklist').select();
  const jobs = new Map<string, DispatchJob>();
  for (const row of await db('jobs').select('id', 'status', 'priority', 'created_at', 'worker_tag_id')) {
    jobs.set(row.id, {
      id: row.id,
      status: row.status,
      priority: Number(row.priority),
      createdAt: Date.parse(row.created_at),
      workerTagId: row.worker_tag_id,
      blocklist: blocklist.filter((entry) => entry.job_id === row.id).map((entry) => ({ workerId: entry.worker_id, taskType: entry.task_type })),
    });
  }
  const statusById = new Map<string, TaskStatus>();
  const rows = await db('tasks').select('id', 'job_id', 'status', 'priority', 'index_in_job', 'type', 'worker_id');
  for (const row of rows) statusById.set(row.id, row.status);
  const dependencies: { task_id: string; depends_on_id: string }[] = await db('task_dependencies').select();
  const failures: { task_id: string; worker_id: string }[] = await db('task_failures').select('task_id', 'worker_id');
  return rows.map((row) => ({
    id: row.id,
    job: jobs.get(row.job_id) as DispatchJob,
    status: row.status,
    priority: Number(row.priority),
    indexInJob: Number(row.index_in_job),
    type: row.type,
    dependencyStatuses: dependencies.filter((d) => d.task_id === row.id).map((d) => statusById.get(d.depends_on_id) as TaskStatus),
    failedByWorkerIds: failures.filter((f) => f.task_id === row.id).map((f) => f.worker_id),
    workerId: row.worker_id,
  }));
}

/** A small deterministic random generator, so that a failing farm can be built again from its seed. */
function random(seed: number): { int(max: number): number; pick<T>(items: readonly T[]): T; chance(p: number): boolean } {
  let state = seed >>> 0 || 1;
  const next = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 0x1_0000_0000;
  };
  return {
    int: (max) => Math.floor(next() * max),
    pick: (items) => items[Math.floor(next() * items.length)] as (typeof items)[number],
    chance: (p) => next() < p,
  };
}

const TYPES = ['blender', 'ffmpeg', 'misc'];

// ───────────── the tests ─────────────

onEachDatabase('task scheduler', (manager, kind) => {
  beforeEach(() => clearFarm(manager().db));

  it('answers 204 when there is nothing to do', async () => {
    const worker = await SimulatedWorker.start(manager().url);
    assert.equal((await worker.askForTask()).status, 204);
    await insertFarmJob(manager().db, { status: 'paused', tasks: [{}] });
    await insertFarmJob(manager().db, { tasks: [{ status: 'completed' }, { status: 'failed' }, { status: 'canceled' }, { status: 'paused' }] });
    assert.equal((await worker.askForTask()).status, 204);
    // A job whose deletion was asked for (the deleter has not got to it yet) hands out nothing.
    const { jobId } = await insertFarmJob(manager().db, { tasks: [{}] });
    await manager().db('jobs').where('id', jobId).update({ delete_requested_at: new Date().toISOString() });
    assert.equal((await worker.askForTask()).status, 204);
  });

  it('assigns a task: active, owned by the worker, logged, and its queued job becomes active', async () => {
    const { jobId, taskIds } = await insertFarmJob(manager().db, { priority: 70, tasks: [{ name: 'first', type: 'misc', priority: 40 }] });
    const worker = await SimulatedWorker.start(manager().url);
    const response = await worker.askForTask();
    assert.equal(response.status, 200, response.text);
    const task = response.body as AssignedTask;
    assert.deepEqual(task, {
      uuid: taskIds[0],
      job: jobId,
      name: 'first',
      status: 'active',
      priority: 40,
      job_priority: 70,
      job_type: 'echo-sleep-test',
      task_type: 'misc',
      commands: [{ name: 'echo', parameters: { message: 'task 1' }, total_step_count: 0 }],
      steps_completed: 0,
      steps_total: 1,
    });
    const row = await manager().db('tasks').where('id', taskIds[0]).first();
    assert.equal(row.status, 'active');
    assert.equal(row.worker_id, worker.id);
    assert.ok(row.last_touched_at);
    const job = await manager().request('GET', `/api/v3/jobs/${jobId}`);
    assert.equal(job.body.status, 'active');
    const changes = await manager().db('job_status_changes').where('job_id', jobId).select('from_status', 'to_status');
    assert.deepEqual(changes, [{ from_status: 'queued', to_status: 'active' }]);
    const log = await manager().request('GET', `/api/v3/tasks/${taskIds[0]}/logtail`);
    assert.equal(log.status, 200, log.text);
    assert.match(log.text, new RegExp(`Task assigned to worker ${worker.name} \\(${worker.id}\\)`));
  });

  it('gives a worker its active task again instead of a new one', async () => {
    await insertFarmJob(manager().db, { tasks: [{ name: 'a' }, { name: 'b' }] });
    const worker = await SimulatedWorker.start(manager().url);
    const first = await worker.nextTask();
    const again = await worker.nextTask();
    assert.equal(again?.uuid, first?.uuid);
    assert.equal(again?.status, 'active');
    await worker.runTask(first as AssignedTask);
    assert.equal(await assignedName(worker), 'b');
  });

  it('orders by job priority, then task priority, then job age, then position in the job', async () => {
    const db = manager().db;
    await insertFarmJob(db, { name: 'old low', priority: 10, tasks: [{ name: 'old-low-1', priority: 90 }] });
    await insertFarmJob(db, { name: 'old', priority: 50, tasks: [{ name: 'old-1' }, { name: 'old-2' }, { name: 'old-3-urgent', priority: 60 }] });
    await insertFarmJob(db, { name: 'new', priority: 50, tasks: [{ name: 'new-1' }, { name: 'new-2-urgent', priority: 60 }] });
    await insertFarmJob(db, { name: 'high', priority: 80, tasks: [{ name: 'high-1', priority: 10 }] });
    const worker = await SimulatedWorker.start(manager().url);
    const order: string[] = [];
    for (let task = await worker.nextTask(); task; task = await worker.nextTask()) {
      order.push(task.name);
      await worker.runTask(task);
    }
    assert.deepEqual(order, ['high-1', 'old-3-urgent', 'new-2-urgent', 'old-1', 'old-2', 'new-1', 'old-low-1']);
  });

  it('waits for dependencies: fan-out and fan-in run in order', async () => {
    // start → 2.1, 2.2, 2.3 → fan-in → final, stored in an order that dependencies must overrule.
    await insertFarmJob(manager().db, {
      tasks: [
        { name: 'final', dependsOn: [1] },
        { name: 'fan-in', dependsOn: [3, 4, 5] },
        { name: 'start' },
        { name: '2.1', dependsOn: [2] },
        { name: '2.2', dependsOn: [2] },
        { name: '2.3', dependsOn: [2] },
      ],
    });
    const worker = await SimulatedWorker.start(manager().url);
    const other = await SimulatedWorker.start(manager().url);
    const start = await worker.nextTask();
    assert.equal(start?.name, 'start');
    assert.equal((await other.askForTask()).status, 204, 'nothing else may run before start completed');
    await worker.runTask(start as AssignedTask);

    const fanOut = [await worker.nextTask(), await other.nextTask()];
    assert.deepEqual(fanOut.map((task) => task?.name), ['2.1', '2.2']);
    for (const [index, task] of fanOut.entries()) await [worker, other][index]?.runTask(task as AssignedTask);
    const last = await worker.nextTask();
    assert.equal(last?.name, '2.3');
    assert.equal((await other.askForTask()).status, 204, 'fan-in waits for 2.3');
    await worker.runTask(last as AssignedTask);
    assert.equal(await assignedName(other), 'fan-in');
  });

  it('hands out only task types the worker supports', async () => {
    await insertFarmJob(manager().db, { tasks: [{ name: 'render', type: 'blender' }, { name: 'video', type: 'ffmpeg' }] });
    const ffmpegOnly = await SimulatedWorker.start(manager().url, { supportedTaskTypes: ['ffmpeg'] });
    assert.equal(await assignedName(ffmpegOnly), 'video');
    const nothingUseful = await SimulatedWorker.start(manager().url, { supportedTaskTypes: ['file-management'] });
    assert.equal((await nothingUseful.askForTask()).status, 204);
    const noTypes = await SimulatedWorker.start(manager().url, { supportedTaskTypes: [] });
    assert.equal((await noTypes.askForTask()).status, 204);
  });

  it('hands out a tagged job only to workers with that tag, an untagged one to anyone', async () => {
    const db = manager().db;
    const gpu = await createTag(db, `gpu-${randomUUID()}`);
    await insertFarmJob(db, { priority: 90, workerTagId: gpu, tasks: [{ name: 'gpu-task' }] });
    await insertFarmJob(db, { priority: 10, tasks: [{ name: 'any-task' }] });
    const plain = await SimulatedWorker.start(manager().url);
    const tagged = await SimulatedWorker.register(manager().url);
    await tagWorker(db, tagged.id, gpu);
    await tagged.wakeUp();
    assert.equal(await assignedName(plain), 'any-task');
    assert.equal(await assignedName(tagged), 'gpu-task');
  });

  it('skips task types the worker is blocklisted for in that job, and tasks it failed before', async () => {
    const db = manager().db;
    const worker = await SimulatedWorker.start(manager().url);
    await insertFarmJob(db, {
      priority: 90,
      blocklist: [{ workerId: worker.id, taskType: 'blender' }],
      tasks: [{ name: 'blocked-render', type: 'blender' }, { name: 'failed-before', type: 'misc', status: 'soft-failed', failedBy: [worker.id] }],
    });
    await insertFarmJob(db, { priority: 10, tasks: [{ name: 'render-elsewhere', type: 'blender' }] });
    assert.equal(await assignedName(worker), 'render-elsewhere');
    const other = await SimulatedWorker.start(manager().url);
    assert.equal(await assignedName(other), 'blocked-render');
    const third = await SimulatedWorker.start(manager().url);
    assert.equal(await assignedName(third), 'failed-before', 'a soft-failed task is handed out again, to someone else');
  });

  it('picks what the domain’s chooseTaskFor picks, on generated farms', async function () {
    this.timeout(120_000);
    const db = manager().db;
    const tags = [await createTag(db, `red-${randomUUID()}`), await createTag(db, `blue-${randomUUID()}`)];
    let compared = 0;
    for (let seed = 1; seed <= 25; seed++) {
      const rng = random(seed * 7919);
      await clearFarm(db);
      const workers: { simulated: SimulatedWorker; dispatch: DispatchWorker }[] = [];
      for (let w = 0; w < 4; w++) {
        const supportedTaskTypes = TYPES.filter(() => rng.chance(0.7));
        const simulated = await SimulatedWorker.register(manager().url, { supportedTaskTypes });
        const tagIds = tags.filter(() => rng.chance(0.4));
        for (const tagId of tagIds) await tagWorker(db, simulated.id, tagId);
        await simulated.wakeUp();
        workers.push({ simulated, dispatch: { id: simulated.id, supportedTaskTypes, tagIds } });
      }
      const sharedTime = nextCreatedAt();
      for (let j = 0, jobs = 1 + rng.int(5); j < jobs; j++) {
        const taskCount = 1 + rng.int(6);
        const tasks: FarmTask[] = [];
        for (let t = 0; t < taskCount; t++) {
          const status = rng.pick<TaskStatus>(['queued', 'queued', 'queued', 'soft-failed', 'completed', 'active', 'failed', 'canceled']);
          tasks.push({
            type: rng.pick(TYPES),
            priority: rng.pick([40, 50, 50, 60]),
            status,
            dependsOn: t > 0 && rng.chance(0.3) ? [rng.int(t)] : [],
            workerId: status === 'active' || rng.chance(0.2) ? rng.pick(workers).simulated.id : null,
            failedBy: rng.chance(0.2) ? [rng.pick(workers).simulated.id] : [],
          });
        }
        await insertFarmJob(db, {
          priority: rng.pick([30, 50, 50, 70]),
          status: rng.pick<JobStatus>(['queued', 'active', 'active', 'paused', 'completed']),
          createdAt: rng.chance(0.3) ? sharedTime : nextCreatedAt(),
          workerTagId: rng.chance(0.3) ? rng.pick(tags) : null,
          blocklist: rng.chance(0.3) ? [{ workerId: rng.pick(workers).simulated.id, taskType: rng.pick(TYPES) }] : [],
          tasks,
        });
      }
      for (let ask = 0; ask < 8; ask++) {
        const { simulated, dispatch } = rng.pick(workers);
        const expected = chooseTaskFor(dispatch, await loadDispatchTasks(db));
        const answer = await simulated.askForTask();
        const context = `seed ${seed}, ask ${ask}, worker ${JSON.stringify(dispatch)}`;
        if (expected.kind === 'none') assert.equal(answer.status, 204, `${context}: ${answer.text}`);
        else {
          assert.equal(answer.status, 200, `${context}: ${answer.text}`);
          assert.equal(answer.body.uuid, expected.task.id, context);
        }
        compared++;
        if (answer.status === 200 && rng.chance(0.5)) await simulated.runTask(answer.body, rng.chance(0.3) ? 'failed' : 'completed');
      }
    }
    assert.equal(compared, 200);
  });

  it('never hands one task to two workers, however many ask at once', async function () {
    this.timeout(120_000);
    const db = manager().db;
    const workers = await Promise.all(Array.from({ length: 40 }, () => SimulatedWorker.start(manager().url)));
    for (const taskCount of [25, 40, 120]) {
      await clearFarm(db);
      const jobs = [
        await insertFarmJob(db, { tasks: Array.from({ length: Math.ceil(taskCount / 2) }, () => ({})) }),
        await insertFarmJob(db, { tasks: Array.from({ length: Math.floor(taskCount / 2) }, () => ({})) }),
      ];
      const handedOut: string[] = [];
      // Everyone asks at once, completes what it got, and asks again, until the farm is empty.
      await Promise.all(
        workers.map(async (worker) => {
          for (let task = await worker.nextTask(); task; task = await worker.nextTask()) {
            handedOut.push(task.uuid);
            await worker.complete(task.uuid);
          }
        }),
      );
      assert.equal(handedOut.length, taskCount, `${kind}: every task once`);
      assert.equal(new Set(handedOut).size, taskCount, `${kind}: no task twice`);
      const [{ n }] = await db('tasks').where('status', 'completed').count({ n: '*' });
      assert.equal(Number(n), taskCount);
      // Tasks completing at the same moment must not each believe the other still runs.
      for (const { jobId } of jobs) assert.equal((await db('jobs').where('id', jobId).first('status')).status, 'completed');
    }
  });

  if (kind === 'sqlite') {
    it('finds tasks through the dispatch indexes, without sorting (EXPLAIN QUERY PLAN of the queries it runs)', async () => {
      const db = manager().db;
      await insertFarmJob(db, { tasks: [{}, {}] });
      const worker = await SimulatedWorker.start(manager().url);
      const queries: { sql: string; bindings: readonly (string | number)[] }[] = [];
      const listener = (query: { sql: string; bindings: readonly (string | number)[] }): void => {
        queries.push(query);
      };
      db.on('query', listener);
      try {
        assert.ok(await worker.nextTask());
      } finally {
        db.removeListener('query', listener);
      }
      const planOf = async (marker: RegExp): Promise<string[]> => {
        const query = queries.find((q) => marker.test(q.sql));
        assert.ok(query, `no query matching ${marker} ran`);
        const plan: { detail: string }[] = await db.raw(`EXPLAIN QUERY PLAN ${query.sql}`, query.bindings);
        return plan.map((step) => step.detail);
      };
      const dispatch = await planOf(/WITH level AS MATERIALIZED/);
      assert.ok(dispatch.some((step) => /SEARCH t USING INDEX tasks_dispatch_order \(job_id=\?\)/.test(step)), dispatch.join('\n'));
      assert.ok(!dispatch.some((step) => /TEMP B-TREE|SCAN t\b/.test(step)), dispatch.join('\n'));
      const resume = await planOf(/t\.status = 'active'/);
      assert.ok(resume.some((step) => /tasks_active_by_worker/.test(step)), resume.join('\n'));
    });
  }
});

// ───────────── variables ─────────────

onEachDatabase(
  'task scheduler: variables',
  (manager) => {
    it('expands variables in the commands for the worker’s platform', async () => {
      const db = manager().db;
      const commands = [
        { name: 'blender-render', parameters: { exe: '{blender}', args: ['--output', '{render}/shots/####'], blendfile: '{jobs}/scene.blend' }, totalStepCount: 2 },
      ];
      await insertFarmJob(db, { tasks: [{ commands }, { commands }] });
      const linux = await SimulatedWorker.start(manager().url, { platform: 'linux' });
      const windows = await SimulatedWorker.start(manager().url, { platform: 'windows' });
      const onLinux = await linux.nextTask();
      const onWindows = await windows.nextTask();
      assert.deepEqual(onLinux?.commands[0], {
        name: 'blender-render',
        parameters: { exe: '/opt/blender/blender', args: ['--output', '/render/shots/####'], blendfile: '/srv/farm/scene.blend' },
        total_step_count: 2,
      });
      assert.deepEqual(onWindows?.commands[0]?.parameters, {
        exe: 'C:\\Blender\\blender.exe',
        args: ['--output', 'R:\\shots\\####'],
        blendfile: '/srv/farm/scene.blend',
      });
      // The stored commands keep their variables.
      const stored = await db('tasks').where('id', onLinux?.uuid).first('commands');
      assert.match(stored.commands, /\{blender\}/);
    });
  },
  {
    sharedStoragePath: '/srv/farm',
    variables: {
      blender: {
        values: [
          { platform: 'linux', value: '/opt/blender/blender' },
          { platform: 'windows', value: 'C:\\Blender\\blender.exe' },
        ],
      },
      render: {
        isTwoWay: true,
        values: [
          { platform: 'linux', value: '/render' },
          { platform: 'windows', value: 'R:\\' },
        ],
      },
    },
  },
);
