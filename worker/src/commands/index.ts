import { blenderRender } from './blender-render.ts';
import type { CommandRunner } from './command.ts';
import { copyFile } from './copy-file.ts';
import { echo } from './echo.ts';
import { execCommand } from './exec.ts';
import { framesToVideo } from './frames-to-video.ts';
import { makeDirectory } from './make-directory.ts';
import { moveDirectory } from './move-directory.ts';
import { sleep } from './sleep.ts';

// The commands a worker runs, by the names job types use (Flamenco's).

export const commandRunners: Readonly<Record<string, CommandRunner>> = Object.freeze(
  Object.assign(Object.create(null) as Record<string, CommandRunner>, {
    'blender-render': blenderRender,
    'frames-to-video': framesToVideo,
    exec: execCommand,
    'make-directory': makeDirectory,
    'move-directory': moveDirectory,
    'copy-file': copyFile,
    echo,
    sleep,
  }),
);

/** The runner for a command name, or undefined for a name this worker does not know (never an Object.prototype member). */
export function commandRunnerFor(name: string): CommandRunner | undefined {
  return Object.hasOwn(commandRunners, name) ? commandRunners[name] : undefined;
}

export { CommandError, type CommandContext, type CommandEnvironment, type CommandRunner } from './command.ts';
export { ALLOWED_EXECUTABLES_SETTING } from './exec.ts';
export { findSoftware, type FoundSoftware, type SoftwareReport, type SoftwareSearch, type SoftwareSource } from './find-software.ts';
export { isAbortError } from '../platform/abort.ts';
