import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TABLAO_SCRIPT } from '../../bin/launch.ts';

describe('tablao manager, as a process', () => {
  let dir: string;
  let blocker: Server;
  let port: number;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tablao-manager-command-'));
    blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    port = (blocker.address() as { port: number }).port;
  });
  after(async () => {
    blocker.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('says that its port is in use, and exits instead of hanging', async () => {
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = execFile(process.execPath, [TABLAO_SCRIPT, 'manager', '--data-dir', dir, '--host', '127.0.0.1', '--port', String(port)], { timeout: 15_000 }, (_error, _stdout, stderr) =>
        resolve({ code: child.exitCode, stderr }),
      );
    });
    assert.equal(result.code, 1, `it should exit with 1 by itself; stderr: ${result.stderr}`);
    assert.match(result.stderr, new RegExp(`port ${port} is in use by another program; choose another with --port`));
  });
});
