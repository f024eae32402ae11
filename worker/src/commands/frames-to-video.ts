import { glob, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';

import { ffmpegInputMethodFor, nodeGlobPattern, type Platform } from '../platform/platform-rules.ts';
import { splitExeArgs } from './blender-render.ts';
import { CommandError, type CommandContext } from './command.ts';
import {
  concatListInputArguments,
  concatListText,
  framesToVideoArguments,
  globInputArguments,
  type FramesToVideo,
} from './ffmpeg-arguments.ts';
import { parametersOf } from './parameters.ts';
import { runLoggedProcess } from './run-logged-process.ts';
import { softwareExecutable, softwareNotFoundAdvice } from './software-executable.ts';

// `frames-to-video`: FFmpeg turns the frames matching `inputGlob` into the video `outputFile`.

const COMMAND = 'frames-to-video';
/** Flamenco's name for the list of frames on Windows, written beside the frames and removed afterwards. */
export const CONCAT_LIST_NAME = 'ffmpeg-file-index.txt';

interface Parameters extends FramesToVideo {
  readonly exe: string;
  readonly inputGlob: string;
}

function readParameters(parameters: Readonly<Record<string, unknown>>): Parameters {
  const read = parametersOf(COMMAND, parameters);
  return {
    exe: read.string('exe', 'the FFmpeg executable'),
    exeArgs: splitExeArgs(read.optionalString('exeArgs', 'extra FFmpeg arguments on one line'), COMMAND),
    fps: read.number('fps', 'the frames per second of the video', { minimum: 0, aboveMinimum: true }),
    inputGlob: read.string('inputGlob', 'a glob pattern of the frame files, like /render/shot/*.png'),
    outputFile: read.string('outputFile', 'the path of the video file to write'),
    argsBefore: read.argumentList('argsBefore'),
    args: read.argumentList('args'),
  };
}

export async function framesToVideo(context: CommandContext): Promise<void> {
  const video = readParameters(context.parameters);
  const { platform } = context.environment;
  const executable = await softwareExecutable(video.exe, 'ffmpeg', context);

  let listFile: string | undefined;
  let input: string[];
  if (ffmpegInputMethodFor(platform) === 'glob-pattern') {
    input = globInputArguments(video.inputGlob, video.fps);
  } else {
    listFile = await writeConcatList(video, platform);
    input = concatListInputArguments(listFile);
  }

  try {
    await runLoggedProcess({
      context,
      command: COMMAND,
      program: 'FFmpeg',
      executable,
      args: framesToVideoArguments(video, input),
      notFoundAdvice: softwareNotFoundAdvice('ffmpeg'),
    });
  } finally {
    if (listFile !== undefined) await removeList(context, listFile);
  }
}

// A list left behind is untidy, not a failed video.
async function removeList(context: CommandContext, listFile: string): Promise<void> {
  await rm(listFile, { force: true }).catch((error: unknown) => {
    context.log(`${COMMAND}: could not remove the list of frames ${JSON.stringify(listFile)}: ${(error as Error).message}`);
  });
}

// The list names the frames by absolute path: FFmpeg reads relative ones from the list's folder.
// Paths here are this machine's own, so Node's native path functions fit.
async function writeConcatList(video: Parameters, platform: Platform): Promise<string> {
  const files: string[] = [];
  try {
    for await (const file of glob(nodeGlobPattern(video.inputGlob, platform))) files.push(resolve(file));
  } catch (error) {
    throw new CommandError(`${COMMAND}: could not look for frames matching inputGlob ${JSON.stringify(video.inputGlob)}: ${(error as Error).message}`);
  }
  if (files.length === 0) {
    throw new CommandError(`${COMMAND}: no frames match inputGlob ${JSON.stringify(video.inputGlob)}; check that the frames were rendered there`);
  }
  files.sort();
  const listFile = join(dirname(video.inputGlob), CONCAT_LIST_NAME);
  try {
    await writeFile(listFile, concatListText(files, video.fps));
  } catch (error) {
    throw new CommandError(`${COMMAND}: could not write the list of frames ${JSON.stringify(listFile)}: ${(error as Error).message}`);
  }
  return listFile;
}
