// SPDX-License-Identifier: GPL-3.0-or-later
//
// Echo Sleep Test: a job type for trying out a farm without Blender. One task echoes a message,
// then `sleep_repeats` tasks each sleep for a while, all of them after the echo.
// The settings are kept identical to Flamenco's test type, so that its etag stays the same.

/** @type {JobTypeDefinition} */
const JOB_TYPE = {
  label: 'Echo Sleep Test',
  settings: [
    { key: 'message', type: 'string', required: true },
    { key: 'sleep_duration_seconds', type: 'int32', default: 1 },
    { key: 'sleep_repeats', type: 'int32', default: 1 },
  ],
};

/** @param {Job} job */
function compileJob(job) {
  const settings = job.settings;

  const echo = author.Task('echo', 'misc');
  echo.addCommand(author.Command('echo', { message: settings.message }));
  job.addTask(echo);

  // The sleeps may run side by side on several workers, but never before the echo.
  for (let index = 0; index < settings.sleep_repeats; index++) {
    const sleep = author.Task('sleep', 'misc');
    sleep.addCommand(author.Command('sleep', { duration_in_seconds: settings.sleep_duration_seconds }));
    sleep.addDependency(echo);
    job.addTask(sleep);
  }
}
