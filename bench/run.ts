// `npm run bench`: runs every benchmark and prints one table of figures, ratios and goals.
// Benchmarks measure; tests check behaviour. Figures vary with the machine's load.

import os from 'node:os';
import { compileBenchmarks } from './compile.ts';
import { dispatchBenchmarks } from './dispatch.ts';
import { studioBenchmarks } from './studio.ts';
import { submissionBenchmarks } from './submission.ts';
import { workerBenchmarks } from './worker.ts';
import type { BenchRow } from './stats.ts';

const suites: [string, () => Promise<BenchRow[]>][] = [
  ['compiler', compileBenchmarks],
  ['submit', () => submissionBenchmarks('sqlite')],
  ['submit-pg', () => submissionBenchmarks('postgres')],
  ['dispatch', () => dispatchBenchmarks('sqlite')],
  ['dispatch-pg', () => dispatchBenchmarks('postgres')],
  ['worker', workerBenchmarks],
  ['studio', studioBenchmarks],
];

const only = process.argv.slice(2);
const rows: (BenchRow & { suite: string })[] = [];
for (const [suite, run] of suites) {
  if (only.length > 0 && !only.includes(suite)) continue;
  for (const row of await run()) rows.push({ suite, ...row });
}

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
console.log(`Tablao benchmarks — Node.js ${process.versions.node}, ${os.cpus().length} × ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB`);
const width = Math.max(...rows.map((r) => r.what.length));
for (const row of rows) {
  console.log(`${row.suite.padEnd(9)} ${row.what.padEnd(width)}  ${row.figure.padStart(10)}${row.goal ? `   goal ${row.goal}` : ''}`);
}
