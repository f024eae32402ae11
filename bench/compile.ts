// Compile benchmarks: a 10,000-frame Simple Blender Render job (chunk 1) in the sandbox
// against the same script and runtime run in-process, and cold/warm compiles of a small job.

import vm from 'node:vm';
import { JobCompiler } from '../compiler/src/index.ts';
import { runtimeSource } from '../compiler/src/sandbox/runtime-source.ts';
import { prepareScript } from '../compiler/src/sandbox/prepare-script.ts';
import { applySettings } from '../compiler/src/settings/validate.ts';
import type { JobTypeSource } from '../compiler/src/types.ts';
import { loadJobTypeFile, builtInJobTypesDir } from '../job-types/index.ts';
import { renderJob } from './render-job.ts';
import { median, timeAsync, type BenchRow } from './stats.ts';

const ROUNDS = 15;

/**
 * The same runtime and script, run in-process in a node:vm context (no isolate), fresh per
 * compile like the sandbox's. `serialise` = produce the same JSON the sandbox hands over and
 * parse it back; otherwise only the script's compileJob runs (the floor: no output at all).
 */
function inProcessCompiler(source: JobTypeSource, settings: Record<string, unknown>) {
  const runtime = new vm.Script(runtimeSource());
  const script = new vm.Script(prepareScript(source.filename, source.source).code);
  const config = JSON.stringify({
    platform: 'linux',
    cwd: '/',
    seed: [1, 2, 3, 4],
    maxTasks: 100_000,
    maxOutputBytes: 32 * 1024 * 1024,
    maxLogBytes: 1024 * 1024,
    helpers: {},
  });
  const job = { name: 'bench', type: source.name, priority: 50, created: Date.now(), settings, metadata: {} };
  return (serialise: boolean): unknown => {
    const context = vm.createContext({});
    const entry = runtime.runInContext(context)(config);
    script.runInContext(context);
    if (serialise) return JSON.parse(entry(JSON.stringify({ op: 'compile', job })));
    context.benchJob = JSON.stringify(job);
    return vm.runInContext(
      `(() => { const j = JSON.parse(benchJob); const tasks = []; j.created = new Date(j.created);
        j.addTask = (t) => { tasks.push(t); }; compileJob(j); return tasks.length; })()`,
      context,
    );
  };
}

export async function compileBenchmarks(): Promise<BenchRow[]> {
  const source = await loadJobTypeFile(`${builtInJobTypesDir}/simple-blender-render.js`);
  const big = renderJob('1-10000');
  const compiler = new JobCompiler({ poolSize: 1 });
  const info = await compiler.readJobType(source);
  const inProcess = inProcessCompiler(source, applySettings(info, big.settings));

  let tasks = 0;
  const sandbox: number[] = [];
  const plain: number[] = [];
  const floor: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    sandbox.push(await timeAsync(async () => (tasks = (await compiler.compile(source, big)).tasks.length)));
    plain.push(await timeAsync(async () => inProcess(true)));
    floor.push(await timeAsync(async () => inProcess(false)));
  }
  const sandboxMs = median(sandbox);
  const plainMs = median(plain);
  const floorMs = median(floor);

  const small = renderJob('1-10');
  const coldCompiler = new JobCompiler({ poolSize: 1 });
  const cold = await timeAsync(() => coldCompiler.compile(source, small));
  const warm: number[] = [];
  for (let round = 0; round < 50; round++) warm.push(await timeAsync(() => coldCompiler.compile(source, small)));
  coldCompiler.dispose();
  compiler.dispose();

  return [
    { what: `compile 10,000 frames, chunk 1 (${tasks} tasks), sandbox`, figure: `${sandboxMs.toFixed(1)} ms` },
    { what: 'same script and runtime in-process (node:vm, same JSON out)', figure: `${plainMs.toFixed(1)} ms` },
    {
      what: 'ratio sandbox / in-process',
      figure: `${(sandboxMs / plainMs).toFixed(2)}×`,
      goal: '≤ 1.5×',
    },
    { what: "in-process, compileJob only (no output: the floor)", figure: `${floorMs.toFixed(1)} ms` },
    { what: 'ratio sandbox / floor', figure: `${(sandboxMs / floorMs).toFixed(2)}×` },
    { what: 'compile a 10-task job, cold (new isolate, first read of the type)', figure: `${cold.toFixed(1)} ms` },
    { what: 'compile a 10-task job, warm (median of 50)', figure: `${median(warm).toFixed(2)} ms` },
  ];
}
