import assert from 'node:assert/strict';

import type { JobStatus, TaskStatus } from '../../src/domain/statuses.ts';
import { chooseTaskFor, compareForDispatch, whyNotRunnable } from '../../src/domain/task-choice.ts';
import type { DispatchJob, DispatchTask, DispatchWorker, NotRunnableReason } from '../../src/domain/task-choice.ts';

// A small in-memory farm: tasks are given by name, dependencies by the names they depend on.

interface TaskSpec {
  name: string;
  type: string;
  priority?: number;
  dependsOn?: string[];
  status?: TaskStatus;
  failedBy?: string[];
  workerId?: string | null;
}

interface Farm {
  jobs: DispatchJob[];
  specs: Map<string, TaskSpec & { job: DispatchJob; indexInJob: number }>;
}

function newFarm(): Farm {
  return { jobs: [], specs: new Map() };
}

function addJob(farm: Farm, id: string, tasks: TaskSpec[], job: Partial<DispatchJob> = {}): DispatchJob {
  const created: DispatchJob = {
    id,
    status: 'queued',
    priority: 50,
    createdAt: 1_000 + farm.jobs.length,
    workerTagId: null,
    blocklist: [],
    ...job,
  };
  farm.jobs.push(created);
  tasks.forEach((spec, index) => farm.specs.set(spec.name, { ...spec, job: created, indexInJob: index + 1 }));
  return created;
}

function tasksOf(farm: Farm): DispatchTask[] {
  return [...farm.specs.values()].map((spec) => ({
    id: spec.name,
    job: spec.job,
    status: spec.status ?? 'queued',
    priority: spec.priority ?? 50,
    indexInJob: spec.indexInJob,
    type: spec.type,
    dependencyStatuses: (spec.dependsOn ?? []).map((name) => farm.specs.get(name)?.status ?? 'queued'),
    failedByWorkerIds: spec.failedBy ?? [],
    workerId: spec.workerId ?? null,
  }));
}

function setStatus(farm: Farm, name: string, status: TaskStatus): void {
  const spec = farm.specs.get(name);
  assert.ok(spec, `no task ${name}`);
  spec.status = status;
}

const linuxWorker: DispatchWorker = { id: 'linux', supportedTaskTypes: ['blender', 'ffmpeg', 'file-management', 'misc'], tagIds: [] };

function chosenName(farm: Farm, worker: DispatchWorker = linuxWorker): string | null {
  const choice = chooseTaskFor(worker, tasksOf(farm));
  return choice.kind === 'none' ? null : choice.task.id;
}

describe('task choice (Flamenco task_scheduler_test cases)', () => {
  it('has nothing for a worker when there are no tasks', () => {
    assert.deepEqual(chooseTaskFor(linuxWorker, []), { kind: 'none' });
  });

  it('assigns the only task', () => {
    const farm = newFarm();
    addJob(farm, 'job', [{ name: 'the task', type: 'blender' }]);
    const choice = chooseTaskFor(linuxWorker, tasksOf(farm));
    assert.equal(choice.kind, 'assign');
    assert.equal(choice.kind === 'assign' && choice.task.id, 'the task');
  });

  it('chooses the task with the highest priority', () => {
    const farm = newFarm();
    addJob(farm, 'job', [
      { name: '1 low-prio task', type: 'blender' },
      { name: '2 high-prio task', type: 'ffmpeg', priority: 100 },
      { name: '3 low-prio task', type: 'blender' },
    ]);
    assert.equal(chosenName(farm), '2 high-prio task');
  });

  it('holds back a task until its dependencies completed', () => {
    const farm = newFarm();
    addJob(farm, 'job', [
      { name: '1 low-prio task', type: 'blender' },
      { name: '2 high-prio task', type: 'ffmpeg', priority: 100, dependsOn: ['1 low-prio task'] },
      { name: '3 low-prio task', type: 'blender' },
    ]);
    assert.equal(chosenName(farm), '1 low-prio task');
  });

  it('prefers a higher job priority over a higher task priority', () => {
    const farm = newFarm();
    addJob(farm, 'job-1', [
      { name: '1.1 low-prio task', type: 'blender' },
      { name: '1.2 high-prio task', type: 'ffmpeg', priority: 100, dependsOn: ['1.1 low-prio task'] },
      { name: '1.3 low-prio task', type: 'blender' },
    ]);
    addJob(
      farm,
      'job-2',
      [
        { name: '2.1 low-prio task', type: 'blender' },
        { name: '2.2 high-prio task', type: 'ffmpeg', priority: 100, dependsOn: ['2.1 low-prio task'] },
        { name: '2.3 highest-prio task', type: 'blender', priority: 150 },
      ],
      { priority: 100 },
    );
    assert.equal(chosenName(farm), '2.3 highest-prio task');
  });

  it('hands out a fan-out/fan-in job in dependency order, then task order', () => {
    const farm = newFarm();
    // Added out of execution order, to root out reliance on it.
    addJob(farm, 'fan-out-fan-in', [
      { name: '4 final', type: 'ffmpeg', dependsOn: ['3 fan-in'] },
      { name: '3 fan-in', type: 'blender', dependsOn: ['2.1 parallel', '2.2 parallel', '2.3 parallel'] },
      { name: '2.1 parallel', type: 'blender', dependsOn: ['1 start'] },
      { name: '2.2 parallel', type: 'blender', dependsOn: ['1 start'] },
      { name: '1 start', type: 'blender' },
      { name: '2.3 parallel', type: 'blender', dependsOn: ['1 start'] },
    ]);
    const order: string[] = [];
    for (let index = 0; index < 6; index++) {
      const name = chosenName(farm);
      assert.ok(name !== null, `no task at step ${index}`);
      order.push(name);
      setStatus(farm, name, 'completed');
    }
    assert.deepEqual(order, ['1 start', '2.1 parallel', '2.2 parallel', '2.3 parallel', '3 fan-in', '4 final']);
    assert.equal(chosenName(farm), null);
  });

  it('does not schedule a task of which only some dependencies completed', () => {
    const farm = newFarm();
    addJob(farm, 'job', [
      { name: '1.1 completed task', type: 'blender', status: 'completed' },
      { name: '1.2 queued task of unsupported type', type: 'unsupported' },
      { name: '1.3 queued task with queued dependency', type: 'ffmpeg', dependsOn: ['1.1 completed task', '1.2 queued task of unsupported type'] },
    ]);
    assert.equal(chosenName(farm), null);
  });

  it('hands a worker its already-active task again, before any higher-priority task', () => {
    const farm = newFarm();
    addJob(farm, 'job', [
      { name: '1 low-prio task', type: 'blender' },
      { name: '2 high-prio task', type: 'ffmpeg', priority: 100 },
      { name: '3 low-prio task', type: 'blender', status: 'active', workerId: 'linux' },
    ]);
    const choice = chooseTaskFor(linuxWorker, tasksOf(farm));
    assert.equal(choice.kind, 'resume');
    assert.equal(choice.kind === 'resume' && choice.task.id, '3 low-prio task');
  });

  it('does not hand back an active task of a job that is no longer queued or active', () => {
    const farm = newFarm();
    addJob(farm, 'job', [{ name: 'active one', type: 'blender', status: 'active', workerId: 'linux' }], { status: 'pause-requested' });
    addJob(farm, 'other', [{ name: 'queued one', type: 'blender' }]);
    const choice = chooseTaskFor(linuxWorker, tasksOf(farm));
    assert.equal(choice.kind, 'assign');
    assert.equal(choice.kind === 'assign' && choice.task.id, 'queued one');
  });

  it('ignores which worker a queued task was last assigned to', () => {
    const farm = newFarm();
    addJob(farm, 'job', [
      { name: '1 low-prio task', type: 'blender' },
      { name: '2 high-prio task', type: 'ffmpeg', priority: 100, workerId: 'windows' },
    ]);
    assert.equal(chosenName(farm), '2 high-prio task');
  });

  it('never gives a worker a task it failed before', () => {
    const farm = newFarm();
    addJob(farm, 'job', [
      { name: '1 failed task', type: 'blender', status: 'soft-failed', failedBy: ['linux'] },
      { name: '2 expected task', type: 'blender' },
    ]);
    assert.equal(chosenName(farm), '2 expected task');
    assert.equal(chosenName(farm, { ...linuxWorker, id: 'other' }), '1 failed task');
  });

  describe('worker tags', () => {
    const tagged: DispatchWorker = { ...linuxWorker, id: 'tagged', tagIds: ['tag-1'] };
    const untagged: DispatchWorker = { ...linuxWorker, id: 'untagged' };

    it('does not give a job with another tag to a tagged worker', () => {
      const farm = newFarm();
      addJob(farm, 'job', [{ name: 'the task', type: 'blender' }], { workerTagId: 'tag-2' });
      assert.equal(chosenName(farm, tagged), null);
    });

    it('gives a job with a tag to workers with that tag only', () => {
      const farm = newFarm();
      addJob(farm, 'job', [{ name: 'the task', type: 'blender' }], { workerTagId: 'tag-1' });
      assert.equal(chosenName(farm, tagged), 'the task');
      assert.equal(chosenName(farm, untagged), null);
    });

    it('gives a job without tag to any worker', () => {
      const farm = newFarm();
      addJob(farm, 'job', [{ name: 'the task', type: 'blender' }]);
      assert.equal(chosenName(farm, tagged), 'the task');
      assert.equal(chosenName(farm, untagged), 'the task');
    });
  });

  it('skips a task type the worker is blocklisted for in that job', () => {
    const farm = newFarm();
    addJob(
      farm,
      'job',
      [
        { name: '1 blocked task', type: 'blender' },
        { name: '2 expected task', type: 'ffmpeg' },
      ],
      { blocklist: [{ workerId: 'linux', taskType: 'blender' }] },
    );
    assert.equal(chosenName(farm), '2 expected task');
  });

  describe('Tablao: the full dispatch order', () => {
    it('prefers the older job among equal priorities, then the task order in the job', () => {
      const farm = newFarm();
      addJob(farm, 'newer', [{ name: 'newer 1', type: 'blender' }], { createdAt: 2_000 });
      addJob(
        farm,
        'older',
        [
          { name: 'older 1', type: 'blender', status: 'completed' },
          { name: 'older 2', type: 'blender' },
          { name: 'older 3', type: 'blender' },
        ],
        { createdAt: 1_000 },
      );
      assert.equal(chosenName(farm), 'older 2');
    });

    it('sorts by job priority, task priority, job age, job id, task index', () => {
      const job = (id: string, priority: number, createdAt: number): DispatchJob => ({
        id,
        status: 'queued',
        priority,
        createdAt,
        workerTagId: null,
        blocklist: [],
      });
      const task = (id: string, j: DispatchJob, priority: number, indexInJob: number): DispatchTask => ({
        id,
        job: j,
        status: 'queued',
        priority,
        indexInJob,
        type: 'blender',
        dependencyStatuses: [],
        failedByWorkerIds: [],
        workerId: null,
      });
      const urgent = job('urgent', 90, 5);
      const oldJob = job('b-old', 50, 1);
      const sameAgeA = job('a-same', 50, 3);
      const sameAgeC = job('c-same', 50, 3);
      const tasks = [
        task('c-same #1', sameAgeC, 50, 1),
        task('old #2', oldJob, 50, 2),
        task('a-same #2', sameAgeA, 50, 2),
        task('old #1', oldJob, 50, 1),
        task('urgent low', urgent, 10, 1),
        task('a-same #1 high', sameAgeA, 80, 3),
      ];
      assert.deepEqual(
        [...tasks].sort(compareForDispatch).map((each) => each.id),
        ['urgent low', 'a-same #1 high', 'old #1', 'old #2', 'a-same #2', 'c-same #1'],
      );
    });
  });

  describe('why a task is not runnable', () => {
    const base = (): TaskSpec => ({ name: 't', type: 'blender' });
    const cases: [string, TaskSpec, Partial<DispatchJob>, NotRunnableReason | null][] = [
      ['a queued task of a queued job', base(), {}, null],
      ['a soft-failed task of an active job', { ...base(), status: 'soft-failed' }, { status: 'active' }, null],
      ...(['paused', 'pause-requested', 'completed', 'failed', 'canceled', 'cancel-requested', 'requeueing', 'under-construction'] satisfies JobStatus[]).map(
        (status): [string, TaskSpec, Partial<DispatchJob>, NotRunnableReason] => [`a task of a ${status} job`, base(), { status }, 'job-not-schedulable'],
      ),
      ...(['active', 'completed', 'failed', 'canceled', 'paused'] satisfies TaskStatus[]).map(
        (status): [string, TaskSpec, Partial<DispatchJob>, NotRunnableReason] => [`a ${status} task`, { ...base(), status }, {}, 'task-not-schedulable'],
      ),
      ['a task with an unfinished dependency', { ...base(), dependsOn: ['dep'] }, {}, 'dependencies-incomplete'],
      ['a task of an unsupported type', { ...base(), type: 'houdini' }, {}, 'task-type-unsupported'],
      ['a task of a job for another tag', base(), { workerTagId: 'farm-b' }, 'worker-tag-mismatch'],
      ['a task type the worker is blocklisted for', base(), { blocklist: [{ workerId: 'linux', taskType: 'blender' }] }, 'worker-blocklisted'],
      ['a task the worker failed before', { ...base(), failedBy: ['linux'] }, {}, 'failed-by-worker-before'],
      ['a task blocklisted for another worker only', base(), { blocklist: [{ workerId: 'other', taskType: 'blender' }] }, null],
    ];
    for (const [name, spec, jobFields, reason] of cases) {
      it(`${reason ?? 'runnable'}: ${name}`, () => {
        const farm = newFarm();
        addJob(farm, 'job', [{ name: 'dep', type: 'misc', status: 'active' }, spec], jobFields);
        const task = tasksOf(farm).find((each) => each.id === 't');
        assert.ok(task);
        assert.equal(whyNotRunnable(task, linuxWorker), reason);
      });
    }
  });
});
