// Submission benchmarks over HTTP against a real manager process: a 10,000-frame job (compile
// and 10,001 task rows stored), a small job, and the manager's memory with 1,000,000 tasks:
// right after submitting them, once it has been idle for a while (V8 and glibc give memory back
// only then), and after a restart on that database.

import { median, timeAsync, type BenchRow } from './stats.ts';
import { launchManagerProcess } from '../manager/test/support/manager-process.ts';
import { renderJob, submitJob as submit } from './render-job.ts';

/** How long the manager idles before its memory is measured again. */
const IDLE_SECONDS = 20;
const POSTGRES_URL = process.env.TABLAO_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export async function submissionBenchmarks(database: 'sqlite' | 'postgres'): Promise<BenchRow[]> {
  const manager = await launchManagerProcess({ database, postgresUrl: POSTGRES_URL });
  try {
    const big = renderJob('1-10000');
    await submit(manager.url, big); // warm-up: compiles the job type, fills caches
    const bigTimes: number[] = [];
    for (let i = 0; i < 7; i++) bigTimes.push(await timeAsync(() => submit(manager.url, big)));

    const small = renderJob('1-9');
    for (let i = 0; i < 5; i++) await submit(manager.url, small);
    const smallTimes: number[] = [];
    for (let i = 0; i < 50; i++) smallTimes.push(await timeAsync(() => submit(manager.url, small)));

    const rows: BenchRow[] = [
      { what: `submit a 10,000-frame job over HTTP until stored (${database})`, figure: `${median(bigTimes).toFixed(0)} ms`, goal: database === 'sqlite' ? '≤ 250 ms' : undefined },
      { what: `submit a 10-task job over HTTP (${database})`, figure: `${median(smallTimes).toFixed(1)} ms`, goal: '≤ 10 ms' },
    ];
    if (database === 'sqlite') {
      // 1,000,000 tasks stored: 100 jobs of 10,000 frames (8 already there).
      for (let i = 8; i < 100; i++) await submit(manager.url, big);
      const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
      rows.push({ what: 'manager memory (RSS) right after submitting 1,000,000 tasks (sqlite)', figure: mb(await manager.rssBytes()) });
      await new Promise((resolve) => setTimeout(resolve, IDLE_SECONDS * 1000));
      await submit(manager.url, small);
      rows.push({ what: `manager memory (RSS) with 1,000,000 tasks stored, ${IDLE_SECONDS} s later (sqlite)`, figure: mb(await manager.rssBytes()), goal: '≤ 250 MB' });
      await manager.stop();
      const restarted = await launchManagerProcess({ database, dataDir: manager.dataDir });
      try {
        await submit(restarted.url, small);
        await (await fetch(`${restarted.url}/api/v3/jobs`)).arrayBuffer();
        rows.push({ what: 'manager memory (RSS) restarted on 1,000,000 tasks (sqlite)', figure: mb(await restarted.rssBytes()) });
      } finally {
        await restarted.stop();
      }
    }
    return rows;
  } finally {
    await manager.cleanUp();
  }
}
