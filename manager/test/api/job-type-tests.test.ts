import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { onEachDatabase } from '../support/test-manager.ts';

/** `count` greeting tasks, each after the one before; `count` 0 is refused. */
const greetingScript = (command = 'echo') => `
const JOB_TYPE = {
  label: 'Greeting',
  settings: [
    { key: 'message', type: 'string', required: true },
    { key: 'count', type: 'int32', default: 2 },
  ],
};
function compileJob(job) {
  if (job.settings.count < 1) throw new Error('count must be at least 1');
  print('greeting ' + job.settings.count + ' times at ' + job.created.toISOString());
  let previous;
  for (let i = 0; i < job.settings.count; i++) {
    const task = author.Task('greet-' + i, 'misc');
    task.addCommand(author.Command(${JSON.stringify(command)}, { message: job.settings.message }));
    if (previous) task.addDependency(previous);
    job.addTask(task);
    previous = task;
  }
}
`;

const job = (type: string, settings: Record<string, unknown> = { message: 'hi' }) => ({
  name: 'hello',
  type,
  priority: 50,
  submitter_platform: 'linux',
  settings,
});

const position = (index: number) => `00000000-0000-0000-0000-${String(index).padStart(12, '0')}`;

/** What greetingScript compiles `job(type)` into at 2030-01-01, with task UUIDs as positions. */
const expectedGreeting = (type: string, message = 'hi', command = 'echo') => ({
  job: { name: 'hello', type, priority: 50, settings: { message, count: 2 }, metadata: {} },
  tasks: [0, 1].map((i) => ({
    uuid: position(i),
    name: `greet-${i}`,
    type: 'misc',
    priority: 50,
    commands: [{ name: command, parameters: { message }, totalStepCount: 0 }],
    dependencies: i === 0 ? [] : [position(0)],
  })),
  log: [{ level: 'print', message: 'greeting 2 times at 2030-01-01T00:00:00.000Z' }],
});

/** The same output with real task ids instead of positions, as a person might paste it. */
function withRandomTaskIds(output: ReturnType<typeof expectedGreeting>): ReturnType<typeof expectedGreeting> {
  const ids = output.tasks.map(() => randomUUID());
  return {
    ...output,
    tasks: output.tasks.map((task, index) => ({
      ...task,
      uuid: ids[index] as string,
      dependencies: task.dependencies.map((dependency) => ids[output.tasks.findIndex((other) => other.uuid === dependency)] as string),
    })),
  };
}

onEachDatabase('job-type test cases API', (manager) => {
  let typeCounter = 0;
  /** A new custom job type for one test, so tests do not see each other's cases. */
  const newType = async (): Promise<string> => {
    const name = `greeting-${++typeCounter}`;
    const created = await manager().request('POST', '/api/v3/jobs/types', { name, source: greetingScript() });
    assert.equal(created.status, 201, created.text);
    return name;
  };
  const tests = (type: string) => `/api/v3/jobs/type/${type}/tests`;
  const save = (type: string, body: Record<string, unknown>) => manager().request('POST', tests(type), body);
  const run = (type: string, body?: unknown) => manager().request('POST', `${tests(type)}/run`, body);

  describe('saving', () => {
    it('records the current output when no expectation is given, task ids as positions', async () => {
      const type = await newType();
      const saved = await save(type, { name: 'two greetings', description: 'the default count', job: job(type), now: '2030-01-01T01:00:00+01:00' });
      assert.equal(saved.status, 201, saved.text);
      assert.match(saved.body.id, /^[0-9a-f-]{36}$/);
      assert.equal(saved.headers.get('location'), `${tests(type)}/${saved.body.id}`);
      assert.equal(saved.body.job_type, type);
      assert.equal(saved.body.name, 'two greetings');
      assert.equal(saved.body.description, 'the default count');
      assert.deepEqual(saved.body.job, job(type));
      assert.equal(saved.body.now, '2030-01-01T00:00:00.000Z');
      assert.deepEqual(saved.body.expected_output, expectedGreeting(type));
      assert.equal(saved.body.expected_error, undefined);
      assert.equal(saved.body.created, saved.body.updated);

      const fetched = await manager().request('GET', `${tests(type)}/${saved.body.id}`);
      assert.equal(fetched.status, 200);
      assert.deepEqual(fetched.body, saved.body);
    });

    it('records a refusal as the expected error', async () => {
      const type = await newType();
      const saved = await save(type, { name: 'no message', job: job(type, {}) });
      assert.equal(saved.status, 201, saved.text);
      assert.equal(saved.body.expected_output, undefined);
      assert.equal(saved.body.expected_error.kind, 'settings');
      assert.deepEqual(saved.body.expected_error.problems.map((p: { setting: string }) => p.setting), ['message']);
      assert.ok(!Number.isNaN(Date.parse(saved.body.now)), 'the time of the recording is kept');
    });

    it('keeps a given expected output with its task ids turned into positions', async () => {
      const type = await newType();
      const expected = withRandomTaskIds(expectedGreeting(type));
      const saved = await save(type, { name: 'given', job: job(type), now: '2030-01-01T00:00:00Z', expected_output: expected });
      assert.equal(saved.status, 201, saved.text);
      assert.deepEqual(saved.body.expected_output, expectedGreeting(type));
    });

    it('refuses both expectations at once, unknown fields, and a job of another type with 400', async () => {
      const type = await newType();
      const both = await save(type, {
        name: 'both',
        job: job(type),
        expected_output: expectedGreeting(type),
        expected_error: { code: 422, kind: 'script', message: 'x' },
      });
      assert.equal(both.status, 400);
      assert.equal((await save(type, { name: 'typo', job: job(type), expected: {} })).status, 400);
      assert.equal((await save(type, { job: job(type) })).status, 400);
      const otherType = await save(type, { name: 'other', job: job('echo-sleep-test') });
      assert.equal(otherType.status, 400);
      assert.match(otherType.body.message, /set "job.type" to/);
      const blankName = await save(type, { name: 'blank', job: { ...job(type), name: '  ' } });
      assert.equal(blankName.status, 400);
      const nulName = await save(type, { name: 'nul\u0000', job: job(type) });
      assert.equal(nulName.status, 400);
      assert.match(nulName.body.message, /"name" contains a NUL character/);
      assert.equal((await manager().request('GET', tests(type))).body.total, 0);
    });

    it('refuses a second test of the same name with 409', async () => {
      const type = await newType();
      assert.equal((await save(type, { name: 'same', job: job(type) })).status, 201);
      const again = await save(type, { name: 'same', job: job(type, { message: 'other' }) });
      assert.equal(again.status, 409);
      assert.match(again.body.message, /another test named "same"/);
    });

    it('keeps at most 100 tests per job type', async () => {
      const type = await newType();
      const expected_output = expectedGreeting(type);
      for (let i = 0; i < 100; i++) {
        const saved = await save(type, { name: `case ${String(i).padStart(3, '0')}`, job: job(type), expected_output });
        assert.equal(saved.status, 201, saved.text);
      }
      const full = await save(type, { name: 'one too many', job: job(type), expected_output });
      assert.equal(full.status, 409);
      assert.match(full.body.message, /100 tests/);
      assert.equal((await manager().request('GET', tests(type))).body.total, 100);
    });

    it('keeps tests for custom job types only, and answers 404 for unknown types', async () => {
      const builtIn = await save('echo-sleep-test', { name: 'x', job: job('echo-sleep-test', { message: 'x' }) });
      assert.equal(builtIn.status, 409);
      assert.match(builtIn.body.message, /custom job types only/);
      const listed = await manager().request('GET', tests('echo-sleep-test'));
      assert.equal(listed.status, 200);
      assert.equal(listed.body.total, 0);
      const replaced = await manager().request('PUT', `${tests('echo-sleep-test')}/${randomUUID()}`, { name: 'x', job: job('echo-sleep-test', { message: 'x' }) });
      assert.equal(replaced.status, 404);
      assert.equal((await save('nobody', { name: 'x', job: job('nobody') })).status, 404);
      assert.equal((await manager().request('GET', tests('nobody'))).status, 404);
      assert.equal((await run('nobody')).status, 404);
    });
  });

  describe('reading, replacing and deleting', () => {
    it('lists tests by name, paged, without their jobs', async () => {
      const type = await newType();
      for (const name of ['charlie', 'alpha', 'bravo']) await save(type, { name, job: job(type) });
      await save(type, { name: 'delta', job: job(type, {}) });
      const all = await manager().request('GET', tests(type));
      assert.equal(all.status, 200);
      assert.equal(all.body.job_type, type);
      assert.equal(all.body.total, 4);
      assert.equal(all.body.limit, 100);
      assert.deepEqual(all.body.tests.map((t: { name: string }) => t.name), ['alpha', 'bravo', 'charlie', 'delta']);
      assert.deepEqual(all.body.tests.map((t: { expects_error: boolean }) => t.expects_error), [false, false, false, true]);
      assert.equal(all.body.tests[0].job, undefined);
      const page = await manager().request('GET', `${tests(type)}?offset=1&limit=2`);
      assert.deepEqual(page.body.tests.map((t: { name: string }) => t.name), ['bravo', 'charlie']);
      assert.equal(page.body.total, 4);
      assert.equal((await manager().request('GET', `${tests(type)}?limit=101`)).status, 400);
    });

    it('replaces a test, recording again when no expectation is given', async () => {
      const type = await newType();
      const saved = (await save(type, { name: 'first', job: job(type), now: '2030-01-01T00:00:00Z' })).body;
      const replaced = await manager().request('PUT', `${tests(type)}/${saved.id}`, {
        name: 'renamed',
        job: job(type, { message: 'bye' }),
        now: '2030-01-01T00:00:00Z',
      });
      assert.equal(replaced.status, 200, replaced.text);
      assert.equal(replaced.body.id, saved.id);
      assert.equal(replaced.body.name, 'renamed');
      assert.equal(replaced.body.description, undefined);
      assert.equal(replaced.body.created, saved.created);
      assert.deepEqual(replaced.body.expected_output, expectedGreeting(type, 'bye'));
      assert.deepEqual((await manager().request('GET', `${tests(type)}/${saved.id}`)).body, replaced.body);

      const withError = await manager().request('PUT', `${tests(type)}/${saved.id}`, {
        name: 'renamed',
        job: job(type),
        expected_error: { code: 422, kind: 'script', message: 'made up' },
      });
      assert.equal(withError.status, 200);
      assert.deepEqual(withError.body.expected_error, { code: 422, kind: 'script', message: 'made up' });
    });

    it('refuses to replace a test under another test\'s name, or one that does not exist', async () => {
      const type = await newType();
      const one = (await save(type, { name: 'one', job: job(type) })).body;
      await save(type, { name: 'two', job: job(type) });
      const clash = await manager().request('PUT', `${tests(type)}/${one.id}`, { name: 'two', job: job(type) });
      assert.equal(clash.status, 409);
      const missing = await manager().request('PUT', `${tests(type)}/${randomUUID()}`, { name: 'three', job: job(type) });
      assert.equal(missing.status, 404);
      assert.equal((await manager().request('PUT', `${tests(type)}/not-a-uuid`, { name: 'x', job: job(type) })).status, 400);
    });

    it('deletes a test', async () => {
      const type = await newType();
      const saved = (await save(type, { name: 'gone', job: job(type) })).body;
      assert.equal((await manager().request('DELETE', `${tests(type)}/${saved.id}`)).status, 204);
      assert.equal((await manager().request('GET', `${tests(type)}/${saved.id}`)).status, 404);
      assert.equal((await manager().request('DELETE', `${tests(type)}/${saved.id}`)).status, 404);
      assert.equal((await manager().request('GET', tests(type))).body.total, 0);
    });

    it('does not serve one job type\'s test under another', async () => {
      const [a, b] = [await newType(), await newType()];
      const saved = (await save(a, { name: 'mine', job: job(a) })).body;
      assert.equal((await manager().request('GET', `${tests(b)}/${saved.id}`)).status, 404);
      assert.equal((await manager().request('DELETE', `${tests(b)}/${saved.id}`)).status, 404);
      assert.equal((await manager().request('GET', `${tests(a)}/${saved.id}`)).status, 200);
    });
  });

  describe('running', () => {
    it('passes every test against the script that recorded them', async () => {
      const type = await newType();
      await save(type, { name: 'output', job: job(type), now: '2030-01-01T00:00:00Z' });
      await save(type, { name: 'refusal', job: job(type, { message: 'hi', count: 0 }) });
      const result = await run(type);
      assert.equal(result.status, 200, result.text);
      assert.equal(result.body.job_type, type);
      assert.equal(result.body.source, 'stored');
      assert.equal(result.body.version, 1);
      assert.equal(result.body.passed, 2);
      assert.equal(result.body.changed, 0);
      assert.deepEqual(result.body.results.map((r: { name: string; outcome: string }) => [r.name, r.outcome]), [
        ['output', 'passed'],
        ['refusal', 'passed'],
      ]);
      assert.equal(result.body.results[0].actual_output, undefined);
    });

    it('reports what changed with an unsaved script, without saving it', async () => {
      const type = await newType();
      const output = (await save(type, { name: 'output', job: job(type), now: '2030-01-01T00:00:00Z' })).body;
      await save(type, { name: 'refusal', job: job(type, { message: 'hi', count: 0 }) });
      const result = await run(type, { source: greetingScript('say') });
      assert.equal(result.status, 200, result.text);
      assert.equal(result.body.source, 'unsaved');
      assert.equal(result.body.version, undefined);
      assert.equal(result.body.passed, 1);
      assert.equal(result.body.changed, 1);
      const changed = result.body.results[0];
      assert.equal(changed.test_id, output.id);
      assert.equal(changed.outcome, 'changed');
      assert.deepEqual(changed.actual_output, expectedGreeting(type, 'hi', 'say'));
      assert.equal((await manager().request('GET', `/api/v3/jobs/type/${type}/source`)).body.source, greetingScript());
      assert.equal((await run(type)).body.passed, 2);
    });

    it('reports a changed refusal with the actual error, and a new refusal of an output', async () => {
      const type = await newType();
      await save(type, { name: 'a output', job: job(type), now: '2030-01-01T00:00:00Z' });
      await save(type, { name: 'b refusal', job: job(type, { message: 'hi', count: 0 }) });
      const stricter = greetingScript().replace("throw new Error('count must be at least 1')", "throw new Error('count is too small')").replace(
        'function compileJob(job) {',
        "function compileJob(job) {\n  if (job.settings.message === 'hi') throw new Error('hi is not allowed');",
      );
      const result = await run(type, { source: stricter });
      assert.equal(result.status, 200, result.text);
      assert.equal(result.body.changed, 2);
      const [output, refusal] = result.body.results;
      assert.equal(output.actual_error.kind, 'script');
      assert.match(output.actual_error.message, /hi is not allowed/);
      assert.equal(output.actual_error.location.file, `${type}.js`);
      assert.equal(refusal.outcome, 'changed');
      assert.match(refusal.actual_error.message, /hi is not allowed/);
    });

    it('passes a test whose expected output was given with other task ids', async () => {
      const type = await newType();
      const expected = withRandomTaskIds(expectedGreeting(type));
      await save(type, { name: 'given', job: job(type), now: '2030-01-01T00:00:00Z', expected_output: expected });
      const wrongDependency = expectedGreeting(type);
      wrongDependency.tasks[0].dependencies = [position(1)];
      wrongDependency.tasks[1].dependencies = [];
      await save(type, { name: 'reversed', job: job(type), now: '2030-01-01T00:00:00Z', expected_output: wrongDependency });
      const result = await run(type);
      assert.deepEqual(result.body.results.map((r: { outcome: string }) => r.outcome), ['passed', 'changed']);
    });

    it('runs only the tests asked for, and answers 404 for tests it does not have', async () => {
      const type = await newType();
      const one = (await save(type, { name: 'one', job: job(type) })).body;
      await save(type, { name: 'two', job: job(type) });
      const only = await run(type, { test_ids: [one.id] });
      assert.equal(only.status, 200);
      assert.deepEqual(only.body.results.map((r: { name: string }) => r.name), ['one']);
      const unknown = await run(type, { test_ids: [one.id, randomUUID()] });
      assert.equal(unknown.status, 404);
      assert.equal((await run(type, { test_ids: [] })).status, 400);
    });

    it('refuses an unsaved script that does not load with 422', async () => {
      const type = await newType();
      await save(type, { name: 'one', job: job(type) });
      const refused = await run(type, { source: 'const JOB_TYPE = {;' });
      assert.equal(refused.status, 422);
      assert.equal(refused.body.kind, 'script');
      assert.equal(refused.body.location.file, `${type}.js`);
    });

    it('runs against the stored version after an update, and reports the version', async () => {
      const type = await newType();
      await save(type, { name: 'one', job: job(type), now: '2030-01-01T00:00:00Z' });
      await manager().request('PUT', `/api/v3/jobs/type/${type}/source`, { source: greetingScript('say') });
      const result = await run(type, {});
      assert.equal(result.body.version, 2);
      assert.equal(result.body.changed, 1);
    });

    it('runs no tests for a built-in job type', async () => {
      const result = await run('echo-sleep-test');
      assert.equal(result.status, 200);
      assert.deepEqual(result.body.results, []);
      assert.equal(result.body.passed, 0);
    });
  });
});
