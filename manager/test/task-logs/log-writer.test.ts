import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LogWriter } from '../../src/task-logs/log-writer.ts';
import { MAX_OPEN_LOGS } from '../../src/task-logs/open-logs.ts';

describe('the task-log writer thread', () => {
  let dir: string;
  let writer: LogWriter;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tablao-log-writer-'));
    writer = new LogWriter();
  });
  afterEach(async () => {
    await writer.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('appends in the order asked, creating folders, across more files than it keeps open', async () => {
    const files = MAX_OPEN_LOGS + 20;
    const writes: Promise<void>[] = [];
    for (let line = 0; line < 3; line++) {
      for (let f = 0; f < files; f++) writes.push(writer.append(join(dir, `job-${f % 7}`, `task-${f}.txt`), join(dir, `job-${f % 7}`), `line ${line}\n`));
    }
    await Promise.all(writes);
    for (const f of [0, 1, files - 1]) {
      assert.equal(await readFile(join(dir, `job-${f % 7}`, `task-${f}.txt`), 'utf8'), 'line 0\nline 1\nline 2\n');
    }
  });

  it('rejects a write that fails with the file system\'s reason, and keeps working', async () => {
    await writeFile(join(dir, 'not-a-folder'), 'x');
    await assert.rejects(writer.append(join(dir, 'not-a-folder', 'task.txt'), join(dir, 'not-a-folder'), 'a\n'), (error: NodeJS.ErrnoException) => {
      assert.equal(error.code, 'ENOTDIR');
      return true;
    });
    await writer.append(join(dir, 'ok', 'task.txt'), join(dir, 'ok'), 'fine\n');
    assert.equal(await readFile(join(dir, 'ok', 'task.txt'), 'utf8'), 'fine\n');
  });

  it('starts again after being closed', async () => {
    await writer.append(join(dir, 'a', 't.txt'), join(dir, 'a'), 'one\n');
    await writer.close();
    await writer.append(join(dir, 'a', 't.txt'), join(dir, 'a'), 'two\n');
    assert.equal(await readFile(join(dir, 'a', 't.txt'), 'utf8'), 'one\ntwo\n');
  });
});
