import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { SleepScheduler } from '../../src/background/sleep-scheduler.ts';
import { instantAt, wallClockAt, WEEKDAY_NAMES, type TimeOfDay } from '../../src/domain/local-time.ts';
import { onEachDatabase, startTestManager, type TestManager } from '../support/test-manager.ts';
import { addWorker } from '../support/worker-rows.ts';

const WORKERS = '/api/v3/worker-mgt/workers';
const ZONE = 'Europe/Amsterdam';

/** A sleep scheduler of the test manager's services, on a clock the test sets. */
function fakeScheduler(manager: TestManager): { scheduler: SleepScheduler; setTime(date: { year: number; month: number; day: number }, time: TimeOfDay): Date } {
  let now = new Date('2031-01-01T00:00:00Z');
  const scheduler = new SleepScheduler({ ...manager.services, clock: () => now }, ZONE);
  return {
    scheduler,
    setTime(date, time) {
      now = instantAt(date, time, ZONE);
      return now;
    },
  };
}

async function statusChange(manager: TestManager, workerId: string): Promise<unknown> {
  const worker = await manager.request('GET', `${WORKERS}/${workerId}`);
  assert.equal(worker.status, 200, worker.text);
  return worker.body.status_change;
}

const schedule = (fields: Partial<Record<'days_of_week' | 'start_time' | 'end_time', string>> & { is_active?: boolean } = {}) => ({
  is_active: true,
  days_of_week: '',
  start_time: '01:00',
  end_time: '05:00',
  ...fields,
});

onEachDatabase('sleep schedules API', (manager, kind) => {
  it('answers 204 for a worker without a schedule, and 404 for unknown workers', async () => {
    const id = await addWorker(manager());
    assert.equal((await manager().request('GET', `${WORKERS}/${id}/sleep-schedule`)).status, 204);
    const unknown = randomUUID();
    assert.equal((await manager().request('GET', `${WORKERS}/${unknown}/sleep-schedule`)).status, 404);
    assert.equal((await manager().request('POST', `${WORKERS}/${unknown}/sleep-schedule`, schedule())).status, 404);
  });

  it('stores a schedule cleaned up: day names cut to two letters, reversed times swapped', async () => {
    const id = await addWorker(manager());
    const saved = await manager().request('POST', `${WORKERS}/${id}/sleep-schedule`, schedule({ days_of_week: ' Monday TUE tu ', start_time: '18:00', end_time: '9:00', is_active: false }));
    assert.equal(saved.status, 204, saved.text);
    const fetched = await manager().request('GET', `${WORKERS}/${id}/sleep-schedule`);
    assert.equal(fetched.status, 200);
    assert.deepEqual(fetched.body, { is_active: false, days_of_week: 'mo tu', start_time: '09:00', end_time: '18:00' });
  });

  it('refuses times and days it cannot read (400), keeping the old schedule', async () => {
    const id = await addWorker(manager());
    await manager().request('POST', `${WORKERS}/${id}/sleep-schedule`, schedule({ is_active: false }));
    for (const bad of [schedule({ start_time: '25:00' }), schedule({ end_time: 'noon' }), schedule({ days_of_week: 'funday' }), { is_active: true }]) {
      const refused = await manager().request('POST', `${WORKERS}/${id}/sleep-schedule`, bad);
      assert.equal(refused.status, 400, JSON.stringify(bad));
      assert.ok(refused.body.message.length > 0);
    }
    assert.deepEqual((await manager().request('GET', `${WORKERS}/${id}/sleep-schedule`)).body, schedule({ is_active: false }));
  });

  it('applies a saved schedule at once: asleep all day asks the worker to sleep now', async () => {
    const id = await addWorker(manager(), { status: 'awake' });
    const allDay = schedule({ start_time: '', end_time: '' });
    assert.equal((await manager().request('POST', `${WORKERS}/${id}/sleep-schedule`, allDay)).status, 204);
    assert.deepEqual(await statusChange(manager(), id), { status: 'asleep', is_lazy: false });

    await manager().db('workers').where('id', id).update({ status: 'asleep', status_requested: null });
    assert.equal((await manager().request('POST', `${WORKERS}/${id}/sleep-schedule`, { ...allDay, is_active: false })).status, 204);
    assert.deepEqual(await statusChange(manager(), id), { status: 'awake', is_lazy: false }, 'an inactive schedule wants the worker awake');
  });

  it('puts workers to sleep and wakes them as the clock passes the schedule', async () => {
    const { scheduler, setTime } = fakeScheduler(manager());
    const db = manager().db;
    const id = await addWorker(manager(), { status: 'awake' });
    await manager().request('POST', `${WORKERS}/${id}/sleep-schedule`, schedule({ start_time: '01:00', end_time: '05:00' }));
    // Saving applied the schedule at the real time of day; the test looks at other times.
    await db('workers').where('id', id).update({ status: 'awake', status_requested: null });

    setTime({ year: 2031, month: 3, day: 4 }, { hour: 3, minute: 0 });
    assert.ok((await scheduler.checkDueSchedules()) >= 1);
    assert.deepEqual(await statusChange(manager(), id), { status: 'asleep', is_lazy: false });

    // The worker went to sleep; an hour later nothing is due for it, so nothing changes.
    await db('workers').where('id', id).update({ status: 'asleep', status_requested: null });
    const { next_check: nextCheck } = await db('sleep_schedules').where('worker_id', id).first('next_check');
    assert.equal(nextCheck, instantAt({ year: 2031, month: 3, day: 4 }, { hour: 5, minute: 0 }, ZONE).toISOString());
    setTime({ year: 2031, month: 3, day: 4 }, { hour: 4, minute: 0 });
    await db('workers').where('id', id).update({ status: 'awake' });
    await scheduler.checkDueSchedules();
    assert.equal(await statusChange(manager(), id), undefined, 'not due: left alone');

    await db('workers').where('id', id).update({ status: 'asleep' });
    setTime({ year: 2031, month: 3, day: 4 }, { hour: 6, minute: 0 });
    await scheduler.checkDueSchedules();
    assert.deepEqual(await statusChange(manager(), id), { status: 'awake', is_lazy: false });
  });

  it('keeps to the days of the week', async () => {
    const { scheduler, setTime } = fakeScheduler(manager());
    const id = await addWorker(manager(), { status: 'awake' });
    const day = { year: 2031, month: 4, day: 8 };
    const today = wallClockAt(setTime(day, { hour: 3, minute: 0 }), ZONE).weekday;
    const otherDays = WEEKDAY_NAMES.filter((name) => name !== today).join(' ');
    await manager().request('POST', `${WORKERS}/${id}/sleep-schedule`, schedule({ days_of_week: otherDays }));
    // Saving applied the schedule at the real time of day; the test looks at other times.
    await manager().db('workers').where('id', id).update({ status_requested: null });
    await scheduler.checkDueSchedules();
    assert.equal(await statusChange(manager(), id), undefined, `asleep on ${otherDays} only, and today is ${today}`);

    setTime({ year: 2031, month: 4, day: 9 }, { hour: 3, minute: 0 });
    await scheduler.checkDueSchedules();
    assert.deepEqual(await statusChange(manager(), id), { status: 'asleep', is_lazy: false });
  });

  it('leaves workers in error and deleted workers alone', async () => {
    const { scheduler, setTime } = fakeScheduler(manager());
    const db = manager().db;
    const failing = await addWorker(manager(), { status: 'error' });
    const deleted = await addWorker(manager(), { status: 'awake' });
    for (const id of [failing, deleted]) await manager().request('POST', `${WORKERS}/${id}/sleep-schedule`, schedule());
    await db('workers').whereIn('id', [failing, deleted]).update({ status_requested: null });
    await manager().request('DELETE', `${WORKERS}/${deleted}`);
    const before = await db('sleep_schedules').where('worker_id', deleted).first('next_check');

    setTime({ year: 2031, month: 5, day: 6 }, { hour: 2, minute: 0 });
    await scheduler.checkDueSchedules();
    assert.equal(await statusChange(manager(), failing), undefined);
    const row = await db('workers').where('id', deleted).first('status_requested');
    assert.equal(row.status_requested, null);
    assert.deepEqual(await db('sleep_schedules').where('worker_id', deleted).first('next_check'), before);
  });

  it('checks due schedules by itself while the manager runs', async function () {
    this.timeout(30_000);
    const own = await startTestManager(kind);
    try {
      const id = await addWorker(own, { status: 'awake' });
      await own.db('sleep_schedules').insert({ worker_id: id, is_active: true, days_of_week: '', start_time: '', end_time: '', next_check: '2000-01-01T00:00:00.000Z' });
      let change: unknown;
      for (let attempt = 0; attempt < 100 && change === undefined; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        change = await statusChange(own, id);
      }
      assert.deepEqual(change, { status: 'asleep', is_lazy: false });
    } finally {
      await own.stop();
    }
  });
});
