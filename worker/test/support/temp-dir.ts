// Temporary folders for tests, removed after each test file.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function useTempDirs(): () => Promise<string> {
  const made: string[] = [];
  after(async () => {
    await Promise.all(made.map((dir) => rm(dir, { recursive: true, force: true })));
  });
  return async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tablao-worker-test-'));
    made.push(dir);
    return dir;
  };
}
