import { spawn } from 'node:child_process';

import { leftoverKillFor, treeKillFor, type Platform, type TreeKill } from './platform-rules.ts';

// Stopping a process together with everything it started, the platform's way.

/** Stops the process and all its descendants at once. `fallback` stops at least the process itself when the platform's way fails. */
export function killProcessTree(pid: number, platform: Platform, fallback: () => void): void {
  carryOut(treeKillFor(pid, platform), fallback);
}

/** Stops whatever a process that has ended left running behind it, where the platform can find it. */
export function killLeftovers(pid: number, platform: Platform): void {
  const kill = leftoverKillFor(pid, platform);
  if (kill) carryOut(kill, () => {});
}

function carryOut(kill: TreeKill, fallback: () => void): void {
  if (kill.kind === 'signal-group') {
    try {
      process.kill(-kill.processGroup, kill.signal);
    } catch (error) {
      // ESRCH: the group is gone already, which is what we wanted.
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') fallback();
    }
    return;
  }
  const killer = spawn(kill.executable, kill.args, { stdio: 'ignore', windowsHide: true, shell: false });
  killer.once('error', fallback);
  killer.once('exit', (code) => {
    if (code !== 0) fallback();
  });
}
