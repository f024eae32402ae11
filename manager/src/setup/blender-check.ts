// Does a command start Blender? The command is found (a path as given, a folder holding
// Blender, or a name looked up on the PATH) and run with `--version`, without a shell and with
// a time limit; Blender answers with a line "Blender <version>".

import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { basename, delimiter as posixDelimiter, isAbsolute, join, resolve, win32 } from 'node:path';

export type BlenderPathSource = 'file_association' | 'path_envvar' | 'system_location' | 'input_path' | 'default';

export interface BlenderPathCheckResult {
  input: string;
  path: string;
  source: BlenderPathSource;
  is_usable: boolean;
  cause: string;
}

export interface BlenderCheckOptions {
  /** How long `--version` may take (Blender on a slow network share can take a while). */
  timeoutMs?: number;
  /** Node's platform name. */
  platform?: NodeJS.Platform;
  /** The PATH to look names up on; the manager's own by default. */
  searchPath?: string;
}

export const BLENDER_VERSION_TIMEOUT_MS = 10_000;

/** Output beyond this is not kept: the version is on the first lines. */
const MAX_OUTPUT = 64 * 1024;

/** Checks what a person typed (or a configured value): a path, a folder, or a name on the PATH. */
export async function checkBlenderCommand(input: string, options: BlenderCheckOptions = {}): Promise<BlenderPathCheckResult> {
  const platform = options.platform ?? process.platform;
  const command = unquote(input.trim());
  const verdict = (path: string, source: BlenderPathSource, is_usable: boolean, cause: string): BlenderPathCheckResult => ({
    input,
    path,
    source,
    is_usable,
    cause,
  });
  if (command === '') return verdict('', 'input_path', false, 'Give the Blender executable, the folder it is in, or a command on the PATH.');

  if (!hasDirectory(command, platform)) {
    const found = await findOnPath(command, options.searchPath ?? process.env.PATH ?? '', platform);
    if (found === undefined) return verdict('', 'path_envvar', false, `"${command}" is not a program on the manager's PATH. Give the full path to Blender.`);
    const run = await runBlenderVersion(found, options.timeoutMs);
    return verdict(found, 'path_envvar', run.ok, run.cause);
  }

  const path = await executableIn(resolve(command), platform);
  if (!path.ok) return verdict(path.path, 'input_path', false, path.cause);
  const run = await runBlenderVersion(path.path, options.timeoutMs);
  return verdict(path.path, 'input_path', run.ok, run.cause);
}

export type VersionCheck = { ok: true; version: string; cause: string } | { ok: false; cause: string };

/** Runs `<executable> --version` (no shell) and reads Blender's version from what it prints. */
export function runBlenderVersion(executable: string, timeoutMs = BLENDER_VERSION_TIMEOUT_MS): Promise<VersionCheck> {
  return new Promise((resolvePromise) => {
    let settled = false;
    const settle = (result: VersionCheck) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolvePromise(result);
    };
    const ownGroup = process.platform !== 'win32';
    const child = spawn(executable, ['--version'], { stdio: ['ignore', 'pipe', 'pipe'], shell: false, windowsHide: true, detached: ownGroup });
    let output = '';
    const collect = (chunk: Buffer) => {
      if (output.length < MAX_OUTPUT) output += chunk.toString('utf8').slice(0, MAX_OUTPUT - output.length);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const timer = setTimeout(() => {
      // Blender (or whatever this is) may have started children of its own: stop them all.
      try {
        if (ownGroup && child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
        else child.kill('SIGKILL');
      } catch {
        // it ended meanwhile
      }
      settle({ ok: false, cause: `${executable} did not finish "--version" within ${Math.round(timeoutMs / 1000)} s, so it is probably not Blender.` });
    }, timeoutMs);
    child.on('error', (error: NodeJS.ErrnoException) => {
      settle({ ok: false, cause: `${executable} cannot be run (${error.code ?? error.message}). Check that it is a program the manager may run.` });
    });
    child.on('close', (code, signal) => {
      const line = output
        .split(/\r?\n/)
        .map((each) => each.trim())
        .find((each) => each.startsWith('Blender '));
      if (line !== undefined) {
        settle({ ok: true, version: line, cause: `Found ${line}` });
        return;
      }
      const firstLine = output.trim().split(/\r?\n/)[0]?.slice(0, 200) ?? '';
      const said = firstLine === '' ? 'printed nothing' : `printed "${firstLine}"`;
      const ended = signal !== null ? `was stopped by ${signal}` : code === 0 ? 'ran' : `exited with code ${code}`;
      settle({ ok: false, cause: `${executable} ${ended} and ${said} for "--version"; Blender prints "Blender <version>", so this is not Blender.` });
    });
  });
}

/** The executable on the PATH with this name (Windows: with any of PATHEXT's extensions). */
export async function findOnPath(name: string, searchPath: string, platform: NodeJS.Platform = process.platform): Promise<string | undefined> {
  const windows = platform === 'win32';
  const folders = searchPath.split(windows ? ';' : posixDelimiter).filter((folder) => folder !== '');
  const extensions = windows && !/\.[^.\\/]+$/.test(name) ? (process.env.PATHEXT ?? '.COM;.EXE;.BAT;.CMD').split(';').filter(Boolean) : [''];
  for (const folder of folders) {
    for (const extension of extensions) {
      const candidate = (windows ? win32.join : join)(folder, name + extension);
      if (await isExecutableFile(candidate, platform)) return candidate;
    }
  }
  return undefined;
}

/** Whether the path names a file the manager may run. */
export async function isExecutableFile(path: string, platform: NodeJS.Platform = process.platform): Promise<boolean> {
  try {
    if (!(await stat(path)).isFile()) return false;
    if (platform !== 'win32') await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The program a path names: the path itself, or Blender inside the folder it names. */
async function executableIn(path: string, platform: NodeJS.Platform): Promise<{ ok: true; path: string } | { ok: false; path: string; cause: string }> {
  let info;
  try {
    info = await stat(path);
  } catch {
    return { ok: false, path, cause: `${path} does not exist on the manager's machine.` };
  }
  let program = path;
  if (info.isDirectory()) {
    program = blenderInFolder(path, platform);
    if (!(await isExecutableFile(program, platform))) return { ok: false, path: program, cause: `${path} is a folder without Blender (${basename(program)}) in it.` };
  } else if (!(await isExecutableFile(path, platform))) {
    return { ok: false, path, cause: `${path} is not a program the manager may run (is it executable?).` };
  }
  return { ok: true, path: program };
}

function blenderInFolder(folder: string, platform: NodeJS.Platform): string {
  if (platform === 'win32') return win32.join(folder, 'blender.exe');
  if (platform === 'darwin') return folder.endsWith('.app') ? join(folder, 'Contents', 'MacOS', 'Blender') : join(folder, 'Blender');
  return join(folder, 'blender');
}

function hasDirectory(command: string, platform: NodeJS.Platform): boolean {
  return command.includes('/') || (platform === 'win32' && (command.includes('\\') || /^[A-Za-z]:/.test(command))) || isAbsolute(command);
}

/** `"C:\Program Files\…\blender.exe"` as copied from a file browser → without the quotes. */
export function unquote(text: string): string {
  const match = /^"(.*)"$/.exec(text) ?? /^'(.*)'$/.exec(text);
  return match?.[1] ?? text;
}
