import { posix, win32, type PlatformPath } from 'node:path';

// Everything the worker does differently on Linux, macOS and Windows, as pure decisions that
// take the platform as an argument: tests check each platform's answers on any machine. The
// modules that act on these decisions (spawning, killing, finding executables) stay
// platform-neutral.

export type Platform = NodeJS.Platform;

export function isWindows(platform: Platform): boolean {
  return platform === 'win32';
}

/** Node's path functions for the platform: `\` and drive letters on Windows, `/` elsewhere. */
export function pathFor(platform: Platform): PlatformPath {
  return isWindows(platform) ? win32 : posix;
}

/** Whether a command names a file by path (`./blender`, `C:\Blender\blender.exe`) rather than a bare name to look up on PATH. */
export function hasDirectoryPart(executable: string, platform: Platform): boolean {
  return isWindows(platform) ? /[\\/]/.test(executable) || /^[A-Za-z]:/.test(executable) : executable.includes('/');
}

/** The directories to search for bare executable names. Windows spells the variable `Path` and ignores case. */
export function searchDirectories(environment: NodeJS.ProcessEnv, platform: Platform): string[] {
  const key = isWindows(platform)
    ? Object.keys(environment).find((name) => name.toUpperCase() === 'PATH')
    : 'PATH';
  const value = key === undefined ? undefined : environment[key];
  return (value ?? '').split(pathFor(platform).delimiter).filter((directory) => directory !== '');
}

/**
 * The file names a bare executable name may have: on Windows the name as given when it has an
 * extension from PATHEXT, else the name with each of those extensions; elsewhere the name itself.
 */
export function executableFileNames(name: string, environment: NodeJS.ProcessEnv, platform: Platform): string[] {
  if (!isWindows(platform)) return [name];
  const key = Object.keys(environment).find((variable) => variable.toUpperCase() === 'PATHEXT');
  const extensions = ((key === undefined ? undefined : environment[key]) ?? '.COM;.EXE;.BAT;.CMD')
    .split(';')
    .filter((extension) => extension !== '');
  const hasKnownExtension = extensions.some((extension) => name.toUpperCase().endsWith(extension.toUpperCase()));
  return hasKnownExtension ? [name] : extensions.map((extension) => name + extension.toLowerCase());
}

/** Windows runs any file with an executable's extension; elsewhere a file needs the execute permission. */
export function needsExecutePermission(platform: Platform): boolean {
  return !isWindows(platform);
}

/** Whether two absolute paths name the same file as the platform compares names (Windows ignores case). */
export function samePath(a: string, b: string, platform: Platform): boolean {
  const paths = pathFor(platform);
  const [left, right] = [paths.normalize(a), paths.normalize(b)];
  return isWindows(platform) ? left.toLowerCase() === right.toLowerCase() : left === right;
}

export type Software = 'blender' | 'ffmpeg';

/** How the platform names Blender's and FFmpeg's executables. */
export function softwareFileName(software: Software, platform: Platform): string {
  return isWindows(platform) ? `${software}.exe` : software;
}

/** Whether a task's `exe` is just the software's usual bare name (`blender`, `ffmpeg.exe`), so the worker may substitute the one it found. */
export function isDefaultSoftwareName(executable: string, software: Software): boolean {
  const name = executable.toLowerCase();
  return name === software || name === `${software}.exe`;
}

/** Where the software usually is when it is not on PATH. Flamenco looks in the same place on macOS. */
export function defaultSoftwareLocations(software: Software, platform: Platform): string[] {
  if (software === 'blender' && platform === 'darwin') return ['/Applications/Blender.app/Contents/MacOS/Blender'];
  return [];
}

/**
 * How to start a process so that its whole tree can be stopped later. Elsewhere than on Windows
 * it leads a process group of its own (its children join it); on Windows `detached` would open a
 * console window, and taskkill finds the tree by parent process ids instead.
 */
export function spawnOptionsFor(platform: Platform): { detached: boolean; windowsHide: boolean } {
  return { detached: !isWindows(platform), windowsHide: true };
}

export type TreeKill =
  | { readonly kind: 'signal-group'; readonly processGroup: number; readonly signal: NodeJS.Signals }
  | { readonly kind: 'run'; readonly executable: string; readonly args: readonly string[] };

/** How to stop a process and everything it started, at once. */
export function treeKillFor(pid: number, platform: Platform): TreeKill {
  return isWindows(platform)
    ? { kind: 'run', executable: 'taskkill', args: ['/PID', String(pid), '/T', '/F'] }
    : { kind: 'signal-group', processGroup: pid, signal: 'SIGKILL' };
}

/**
 * What to stop after a process ended by itself: anything it left running in its process group
 * (a background helper would otherwise outlive the task and keep its output pipes open). Windows
 * cannot find the children of a process that is gone, so there is nothing to do there.
 */
export function leftoverKillFor(pid: number, platform: Platform): TreeKill | undefined {
  return isWindows(platform) ? undefined : treeKillFor(pid, platform);
}

/** FFmpeg reads a glob pattern itself except on Windows, where it has no glob support and gets a list of files instead. */
export function ffmpegInputMethodFor(platform: Platform): 'glob-pattern' | 'concat-list' {
  return isWindows(platform) ? 'concat-list' : 'glob-pattern';
}

/** A glob for Node's own matcher: on Windows a `\` separates folders (it escapes nothing there), and the matcher wants `/`. */
export function nodeGlobPattern(pattern: string, platform: Platform): string {
  return isWindows(platform) ? pattern.replaceAll('\\', '/') : pattern;
}

/** A command line as the platform's usual shell would take it, for the task log: people copy it to try the command by hand. */
export function quoteCommandLine(argv: readonly string[], platform: Platform): string {
  return argv.map((argument) => (isWindows(platform) ? quoteForWindows(argument) : quoteForPosixShell(argument))).join(' ');
}

function quoteForPosixShell(argument: string): string {
  return argument !== '' && /^[\w@%+=:,./-]+$/.test(argument) ? argument : singleQuoted(argument);
}

/** Text between single quotes, where nothing is special; a quote itself is closed, escaped and reopened: it's → 'it'\''s'. POSIX shells and FFmpeg both read this. */
export function singleQuoted(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

// The rules of CommandLineToArgvW: backslashes are literal unless they precede a quote.
function quoteForWindows(argument: string): string {
  if (argument !== '' && !/[\s"]/.test(argument)) return argument;
  const escaped = argument.replace(/(\\*)"/g, '$1$1\\"').replace(/(\\+)$/, '$1$1');
  return `"${escaped}"`;
}
