import assert from 'node:assert/strict';
import { outcomeText, submitterPlatform, withPositionalIds, type CompiledJob } from '../src/logic/compiled-job.ts';
import { actionAllowed, jobsForAction, priorityEditable, progressPercent } from '../src/logic/job-actions.ts';
import { JobPages, type Job } from '../src/logic/job-pages.ts';
import { routeOf } from '../src/logic/routes.ts';
import { shortTime } from '../src/logic/format.ts';

const job = (id: string, status: Job['status'] = 'queued'): Job => ({
  id, name: id, type: 'echo-sleep-test', priority: 50, submitter_platform: 'linux', created: '2026-01-01T00:00:00Z', updated: '2026-01-01T00:00:00Z',
  status, activity: '', steps_completed: 0, steps_total: 2,
});

describe('studio: routes', () => {
  it('maps paths to screens', () => {
    assert.deepEqual(routeOf('/'), { screen: 'jobs' });
    assert.deepEqual(routeOf('/jobs'), { screen: 'jobs' });
    assert.deepEqual(routeOf('/jobs/abc'), { screen: 'job', jobId: 'abc' });
    assert.deepEqual(routeOf('/tasks/t1'), { screen: 'task', taskId: 't1' });
    assert.deepEqual(routeOf('/job-types/my%20type'), { screen: 'job-type', name: 'my type' });
    assert.deepEqual(routeOf('/new-job-type', '?from=simple-blender-render'), { screen: 'new-job-type', from: 'simple-blender-render' });
    assert.deepEqual(routeOf('/new-job-type'), { screen: 'new-job-type' });
    assert.deepEqual(routeOf('/job-types/new'), { screen: 'job-type', name: 'new' });
    assert.deepEqual(routeOf('/nowhere/at/all'), { screen: 'not-found', path: '/nowhere/at/all' });
  });
});

describe('studio: job actions', () => {
  it('offers only the transitions the manager allows', () => {
    assert.ok(actionAllowed('cancel', 'active'));
    assert.ok(!actionAllowed('cancel', 'completed'));
    assert.ok(actionAllowed('requeue', 'failed'));
    assert.ok(!actionAllowed('delete', 'active'));
    assert.ok(priorityEditable('queued') && !priorityEditable('paused'));
    assert.deepEqual(jobsForAction('pause', [job('a', 'active'), job('b', 'completed'), job('c', 'queued')]).map((j) => j.id), ['a', 'c']);
    assert.equal(progressPercent(1, 3), 33);
    assert.equal(progressPercent(5, 0), 0);
  });
});

describe('studio: job pages', () => {
  it('knows loaded rows, updates them from events, and asks for a reload on new or deleted jobs', () => {
    const pages = new JobPages(2);
    pages.store(0, [job('a'), job('b')], 5);
    pages.store(2, [job('e')], 5);
    assert.equal(pages.total, 5);
    assert.equal(pages.row(1)!.id, 'b');
    assert.equal(pages.row(2), undefined);
    assert.equal(pages.row(4)!.id, 'e');
    const event = { id: 'b', updated: '2026-01-02T00:00:00Z', status: 'active' as const, previous_status: 'queued' as const, type: 'echo-sleep-test', priority: 70, refresh_tasks: false, steps_completed: 1, steps_total: 2 };
    assert.equal(pages.apply(event), 'updated');
    assert.equal(pages.row(1)!.status, 'active');
    assert.equal(pages.row(1)!.priority, 70);
    assert.equal(pages.apply({ ...event, id: 'zzz' }), 'unknown');
    const { previous_status: _previous, ...created } = event;
    assert.equal(pages.apply({ ...created, id: 'new' }), 'reload');
    assert.equal(pages.apply({ ...event, was_deleted: true }), 'reload');
    pages.clear();
    assert.equal(pages.row(0), undefined);
  });
});

describe('studio: compiled jobs', () => {
  const compiled = (ids: string[]): CompiledJob => ({
    job: { name: 'j', type: 't', priority: 50, settings: {}, metadata: {} },
    tasks: ids.map((uuid, index) => ({ uuid, name: `task ${index}`, type: 'misc', priority: 50, commands: [], dependencies: index ? [ids[0]!] : [] })),
    log: [],
  });

  it('compares outputs by task position, not by their random ids', () => {
    assert.equal(outcomeText(compiled(['x1', 'x2']), undefined), outcomeText(compiled(['y1', 'y2']), undefined));
    assert.deepEqual(withPositionalIds(compiled(['x1', 'x2'])).tasks[1]!.dependencies, ['task #1']);
    assert.notEqual(outcomeText(compiled(['x1']), undefined), outcomeText(compiled(['x1', 'x2']), undefined));
    assert.match(outcomeText(undefined, { code: 422, kind: 'script', message: 'boom' }), /"message": "boom"/);
  });

  it('names the submitter platform as the manager expects', () => {
    assert.equal(submitterPlatform('Win32'), 'windows');
    assert.equal(submitterPlatform('MacIntel'), 'darwin');
    assert.equal(submitterPlatform('Linux x86_64'), 'linux');
  });
});

describe('studio: times in lists', () => {
  it('shows the time alone for today and the date too for other days', () => {
    const now = new Date(2026, 10, 25, 15, 0, 0);
    assert.equal(shortTime(new Date(2026, 10, 25, 9, 30, 0).toISOString(), now), new Date(2026, 10, 25, 9, 30, 0).toLocaleTimeString());
    assert.equal(shortTime(new Date(2026, 10, 24, 9, 30, 0).toISOString(), now), new Date(2026, 10, 24, 9, 30, 0).toLocaleString());
    assert.equal(shortTime(undefined, now), '');
  });
});
