// Two-way variables at submission (farm.md "Variables"): paths a submitter sends, as its own
// platform spells them, are stored as `{variable}…`, and each worker gets them as its platform
// mounts the storage. The same happens on the job check and on dry-runs.

import assert from 'node:assert/strict';
import { DEFAULT_VARIABLES } from '../../src/domain/variables.ts';
import { SimulatedWorker, type AssignedTask } from '../support/simulated-worker.ts';
import { echoSubmission } from '../support/submissions.ts';
import { onEachDatabase } from '../support/test-manager.ts';

const VARIABLES = {
  ...DEFAULT_VARIABLES,
  render: {
    isTwoWay: true,
    values: [
      { platform: 'linux', value: '/render' },
      { platform: 'windows', value: 'R:\\' },
      { platform: 'darwin', value: '/Volumes/render' },
    ],
  },
};

const echoJob = (submitterPlatform: string, message: string, metadata: Record<string, string> = {}) =>
  echoSubmission({ name: `echo from ${submitterPlatform}`, submitter_platform: submitterPlatform, settings: { message, sleep_repeats: 1 }, metadata });

const NEEDS_VARIABLE = `const JOB_TYPE = { label: 'Needs {render}', settings: [{ key: 'output', type: 'string', required: true }] };
function compileJob(job) {
  if (!job.settings.output.startsWith('{render}')) throw 'output ' + job.settings.output + ' is not on the render storage';
  const task = author.Task('echo', 'misc');
  task.addCommand(author.Command('echo', { message: job.settings.output }));
  job.addTask(task);
}
`;

onEachDatabase(
  'two-way variables at submission',
  (manager) => {
    /** Runs every task there is on a worker of `platform`; the echo command's message of job `jobId`. */
    async function echoedOn(platform: string, jobId: string): Promise<unknown> {
      const worker = await SimulatedWorker.start(manager().url, { platform });
      const ran: AssignedTask[] = await worker.runUntilIdle();
      const echo = ran.find((task) => task.job === jobId && task.name === 'echo');
      assert.ok(echo, `the ${platform} worker got no echo task of job ${jobId}`);
      return echo.commands[0]?.parameters.message;
    }

    it('stores a Windows submission’s paths as {variable}…, and a Linux worker gets its own paths', async () => {
      const submitted = await manager().request(
        'POST',
        '/api/v3/jobs',
        echoJob('windows', 'R:\\jobs\\shot-010\\notes.txt', { output: 'r:\\JOBS\\shot-010', project: 'Sprite Fright' }),
      );
      assert.equal(submitted.status, 200, submitted.text);
      assert.equal(submitted.body.settings.message, '{render}\\jobs\\shot-010\\notes.txt');
      assert.equal(submitted.body.settings.sleep_repeats, 1);
      // The drive letter is matched without regard to case; the rest is kept as sent.
      assert.deepEqual(submitted.body.metadata, { output: '{render}\\JOBS\\shot-010', project: 'Sprite Fright' });
      assert.equal(submitted.body.submitter_platform, 'windows');

      const fetched = await manager().request('GET', `/api/v3/jobs/${submitted.body.id}`);
      assert.equal(fetched.body.settings.message, '{render}\\jobs\\shot-010\\notes.txt');
      assert.equal(await echoedOn('linux', submitted.body.id), '/render/jobs/shot-010/notes.txt');
    });

    it('gives a Windows worker the drive path of a job submitted from Linux', async () => {
      const submitted = await manager().request('POST', '/api/v3/jobs', echoJob('linux', '/render/jobs/shot-020/notes.txt'));
      assert.equal(submitted.status, 200, submitted.text);
      assert.equal(submitted.body.settings.message, '{render}/jobs/shot-020/notes.txt');
      assert.equal(await echoedOn('windows', submitted.body.id), 'R:\\jobs\\shot-020\\notes.txt');
    });

    it('leaves values of other platforms, partial names and the manager’s own platform as they should be', async () => {
      const cases: [platform: string, sent: string, stored: string][] = [
        // Another platform's path is not the submitter's: kept as sent.
        ['linux', 'R:\\jobs\\shot-030', 'R:\\jobs\\shot-030'],
        // `/renders` is not inside `/render`.
        ['linux', '/renders/shot-030', '/renders/shot-030'],
        ['darwin', '/Volumes/render/jobs/shot-030', '{render}/jobs/shot-030'],
        // "manager" means the manager's own platform (the tests run on Linux).
        ['manager', '/render/jobs/shot-030', '{render}/jobs/shot-030'],
      ];
      for (const [platform, sent, stored] of cases) {
        const submitted = await manager().request('POST', '/api/v3/jobs', echoJob(platform, sent, { path: sent }));
        assert.equal(submitted.status, 200, submitted.text);
        assert.equal(submitted.body.settings.message, stored, `${sent} from ${platform}`);
        assert.equal(submitted.body.metadata.path, stored, `${sent} from ${platform}, in the metadata`);
      }
    });

    it('checks a job with the variables put back, as it would be stored', async () => {
      const created = await manager().request('POST', '/api/v3/jobs/types', { name: 'needs-render-variable', source: NEEDS_VARIABLE });
      assert.equal(created.status, 201, created.text);
      const job = (platform: string) => ({
        name: 'check',
        type: 'needs-render-variable',
        priority: 50,
        submitter_platform: platform,
        settings: { output: 'R:\\jobs\\shot-040\\frames' },
      });
      const fromWindows = await manager().request('POST', '/api/v3/jobs/check', job('windows'));
      assert.equal(fromWindows.status, 204, fromWindows.text);
      const fromLinux = await manager().request('POST', '/api/v3/jobs/check', job('linux'));
      assert.equal(fromLinux.status, 400, fromLinux.text);
      assert.match(fromLinux.body.message, /R:\\jobs\\shot-040\\frames is not on the render storage/);
    });

    it('dry-runs a job as it would be submitted', async () => {
      const answer = await manager().request('POST', '/api/v3/jobs/dry-run', { job: echoJob('windows', 'R:\\jobs\\shot-050\\notes.txt') });
      assert.equal(answer.status, 200, answer.text);
      assert.equal(answer.body.job.settings.message, '{render}\\jobs\\shot-050\\notes.txt');
      const echo = answer.body.tasks.find((task: { name: string }) => task.name === 'echo');
      assert.deepEqual(echo.commands[0].parameters, { message: '{render}\\jobs\\shot-050\\notes.txt' });
    });
  },
  { sharedStoragePath: '/render/jobs', variables: VARIABLES },
);
