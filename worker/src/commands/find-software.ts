import { stat } from 'node:fs/promises';

import { isAbortError } from '../platform/abort.ts';
import { findExecutable } from '../platform/find-executable.ts';
import { defaultSoftwareLocations, pathFor, softwareFileName, type Platform, type Software } from '../platform/platform-rules.ts';
import { runProcess } from '../platform/run-process.ts';
import { SOFTWARE_LABELS, softwareNotFoundAdvice } from './software-executable.ts';

// Which Blender and FFmpeg this worker uses, found once at start: the worker's configuration
// first, then the manager's variable for this platform (`{blender}`), then PATH, then the
// usual install location. Each candidate must answer its version question (`blender
// --version`, `ffmpeg -version`) before it counts; what was skipped and why is reported, so the
// worker can say clearly at start what it found.

export type SoftwareSource = 'configuration' | 'variable' | 'PATH' | 'default location';

export interface SoftwareSearch {
  /** The location from the worker's configuration: an executable, or the folder holding it. */
  readonly configured?: string;
  /** The manager's variable for this software and platform. */
  readonly variable?: string;
  readonly platform: Platform;
  readonly environment?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** How long the version question may take; Blender on a slow network share needs a while. */
  readonly versionTimeoutMs?: number;
}

export interface FoundSoftware {
  readonly software: Software;
  readonly path: string;
  /** The first line of its version answer: `Blender 4.2.0`, `ffmpeg version 7.1`. */
  readonly version: string;
  readonly source: SoftwareSource;
}

export interface SoftwareReport {
  readonly found?: FoundSoftware;
  /** Candidates that were skipped, and why. */
  readonly problems: readonly string[];
  /** One line for the worker's log: what it uses, or what to do. */
  readonly summary: string;
}

const VERSION_QUESTIONS: Readonly<Record<Software, { readonly flag: string; readonly answer: RegExp }>> = {
  blender: { flag: '--version', answer: /^Blender \d/ },
  ffmpeg: { flag: '-version', answer: /^ffmpeg version / },
};

export async function findSoftware(software: Software, search: SoftwareSearch): Promise<SoftwareReport> {
  const label = SOFTWARE_LABELS[software];
  const { platform } = search;
  const environment = search.environment ?? process.env;
  const cwd = search.cwd ?? process.cwd();
  const candidates: { readonly source: SoftwareSource; readonly location: string }[] = [
    ...(search.configured ? [{ source: 'configuration' as const, location: search.configured }] : []),
    ...(search.variable ? [{ source: 'variable' as const, location: search.variable }] : []),
    { source: 'PATH', location: softwareFileName(software, platform) },
    ...defaultSoftwareLocations(software, platform).map((location) => ({ source: 'default location' as const, location })),
  ];

  const problems: string[] = [];
  for (const { source, location } of candidates) {
    const executable = await findExecutable(await inFolder(location, software, platform), { platform, environment, cwd });
    if (executable === undefined) {
      if (source !== 'default location') problems.push(`${describeSource(source, software)}: ${JSON.stringify(location)} was not found`);
      continue;
    }
    const version = await askVersion(executable, software, platform, search.versionTimeoutMs ?? 10_000);
    if (typeof version !== 'string') {
      problems.push(`${describeSource(source, software)}: ${JSON.stringify(executable)} ${version.problem}`);
      continue;
    }
    const found = { software, path: executable, version, source };
    return { found, problems, summary: `${label}: ${version} at ${executable} (from ${describeSource(source, software)})` };
  }
  return { problems, summary: `${label} was not found on this worker (${problems.join('; ')}); ${softwareNotFoundAdvice(software)}` };
}

function describeSource(source: SoftwareSource, software: Software): string {
  switch (source) {
    case 'configuration':
      return "the worker's configuration";
    case 'variable':
      return `the manager's {${software}} variable`;
    default:
      return source;
  }
}

/** A folder means the software's executable inside it, as Flamenco accepts for Blender. */
async function inFolder(location: string, software: Software, platform: Platform): Promise<string> {
  const isFolder = await stat(location).then(
    (found) => found.isDirectory(),
    () => false,
  );
  return isFolder ? pathFor(platform).join(location, softwareFileName(software, platform)) : location;
}

async function askVersion(
  executable: string,
  software: Software,
  platform: Platform,
  timeoutMs: number,
): Promise<string | { problem: string }> {
  const question = VERSION_QUESTIONS[software];
  const lines: string[] = [];
  try {
    const ended = await runProcess({
      executable,
      args: [question.flag],
      platform,
      signal: AbortSignal.timeout(timeoutMs),
      onLine: (line) => lines.push(line.trim()),
    });
    const answer = lines.find((line) => question.answer.test(line));
    if (ended.exitCode !== 0) return { problem: `failed when asked ${question.flag} (exit code ${ended.exitCode ?? ended.signal})` };
    if (answer === undefined) return { problem: `does not look like ${SOFTWARE_LABELS[software]}: its ${question.flag} said ${JSON.stringify(lines[0] ?? '')}` };
    // FFmpeg's line goes on with its copyright: `ffmpeg version 5.1.9-0+deb12u1 Copyright (c) 2000-…`.
    return answer.replace(/\s+Copyright\b.*$/, '');
  } catch (error) {
    if (isAbortError(error)) return { problem: `did not answer ${question.flag} within ${timeoutMs / 1000} s` };
    return { problem: `could not be run: ${(error as Error).message}` };
  }
}
