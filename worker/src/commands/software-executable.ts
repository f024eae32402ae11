import { findExecutable } from '../platform/find-executable.ts';
import { hasDirectoryPart, isDefaultSoftwareName, type Software } from '../platform/platform-rules.ts';
import type { CommandContext } from './command.ts';

// Which Blender or FFmpeg a task's `exe` means on this worker. A path is used as given. The bare
// default name (`blender`, what the manager's `{blender}` variable holds out of the box) means the
// one this worker found at start (its configuration first). Any other bare name is looked up on
// PATH and, when it is not there, the worker's own is used instead, as Flamenco falls back to
// the system's Blender.

export const SOFTWARE_LABELS: Readonly<Record<Software, string>> = { blender: 'Blender', ffmpeg: 'FFmpeg' };

export async function softwareExecutable(exe: string, software: Software, context: CommandContext): Promise<string> {
  const { environment } = context;
  const found = environment[software];
  if (found === undefined || hasDirectoryPart(exe, environment.platform)) return exe;
  if (isDefaultSoftwareName(exe, software)) return found;
  const onPath = await findExecutable(exe, { platform: environment.platform, environment: process.env, cwd: process.cwd() });
  if (onPath !== undefined) return exe;
  context.log(`${JSON.stringify(exe)} is not on PATH; using the ${SOFTWARE_LABELS[software]} this worker found: ${found}`);
  return found;
}

/** What to tell people when the software cannot be found. */
export function softwareNotFoundAdvice(software: Software): string {
  const label = SOFTWARE_LABELS[software];
  const variable = software === 'blender' ? `, or in the manager's {${software}} variable for this platform` : '';
  return `install ${label} on this worker and put it on PATH, or give its location as ${software} in the worker's tablao-worker.yaml${variable}`;
}
