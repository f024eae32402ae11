// Which Blender and FFmpeg the worker uses, decided once at start: its configuration, then the
// manager's {blender} / {ffmpeg} variable for this platform, then PATH (the search itself is
// the commands' findSoftware). The result becomes the commands' environment, and one line each
// for the start-up message.

import { findSoftware, type SoftwareReport } from '../commands/index.ts';
import type { CommandEnvironment } from '../commands/command.ts';
import type { WorkerConfig } from '../config/worker-config.ts';
import type { ManagerClient } from '../manager/manager-client.ts';
import { platformName } from './platform-name.ts';

export interface WorkerSoftware {
  environment: CommandEnvironment;
  blender: SoftwareReport;
  ffmpeg: SoftwareReport;
  /** Set when the manager's variables could not be read (the search went on without them). */
  variablesProblem?: string;
}

/** How long to wait for the manager's variables before looking without them. */
const VARIABLES_TIMEOUT_MS = 5_000;

export async function findWorkerSoftware(config: WorkerConfig, client: ManagerClient, platform: NodeJS.Platform = process.platform): Promise<WorkerSoftware> {
  const reply = await client.variables(platformName(platform), AbortSignal.timeout(VARIABLES_TIMEOUT_MS));
  const variables = reply.reachable && reply.status === 200 ? (reply.body ?? {}) : {};
  const variablesProblem = reply.reachable ? (reply.status === 200 ? undefined : `the manager answered ${reply.status}: ${reply.message}`) : reply.message;
  const [blender, ffmpeg] = await Promise.all([
    findSoftware('blender', { platform, ...optional('configured', config.blender), ...optional('variable', variables.blender?.value) }),
    findSoftware('ffmpeg', { platform, ...optional('configured', config.ffmpeg), ...optional('variable', variables.ffmpeg?.value) }),
  ]);
  return {
    environment: {
      ...(blender.found ? { blender: blender.found.path } : {}),
      ...(ffmpeg.found ? { ffmpeg: ffmpeg.found.path } : {}),
      allowedExecutables: config.allowedExecutables,
      platform,
    },
    blender,
    ffmpeg,
    ...(variablesProblem === undefined ? {} : { variablesProblem }),
  };
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value ? ({ [key]: value } as Record<K, string>) : {};
}
