import { shellSplit } from '@tablao/compiler/shell-split';

import { classifyBlenderLine } from './blender-output.ts';
import { CommandError, type CommandContext } from './command.ts';
import { parametersOf } from './parameters.ts';
import { runLoggedProcess } from './run-logged-process.ts';
import { softwareExecutable, softwareNotFoundAdvice } from './software-executable.ts';

// `blender-render`: runs Blender as `exe exeArgs… argsBefore… [blendfile] args…` and follows its
// output while it renders: a saved image is output produced, a finished or skipped frame is a
// step, the frame being rendered is the activity, and error lines explain a failure.

const COMMAND = 'blender-render';
const REMEMBERED_ERROR_LINES = 6;

export interface BlenderInvocation {
  readonly exe: string;
  readonly args: readonly string[];
}

/** The command line from the parameters, as Flamenco builds it; an empty `blendfile` is left out. */
export function blenderInvocation(parameters: Readonly<Record<string, unknown>>): BlenderInvocation {
  const read = parametersOf(COMMAND, parameters);
  const exe = read.string('exe', 'the Blender executable');
  const exeArgs = splitExeArgs(read.optionalString('exeArgs', 'extra Blender arguments on one line'));
  const argsBefore = read.argumentList('argsBefore');
  const blendfile = read.string('blendfile', 'the .blend file to render (may be empty)', { allowEmpty: true });
  const args = read.argumentList('args');
  return { exe, args: [...exeArgs, ...argsBefore, ...(blendfile === '' ? [] : [blendfile]), ...args] };
}

/** `exeArgs` is one line of arguments (the manager's `{blenderArgs}`), split as Flamenco splits it. */
export function splitExeArgs(line: string, command = COMMAND): string[] {
  try {
    return shellSplit(line);
  } catch (error) {
    const reason = (error as Error).message.replace(/^shellSplit: /, '');
    throw new CommandError(`${command}: parameter "exeArgs" cannot be split into arguments: ${reason}; fix the variable or job type that sets it`);
  }
}

export async function blenderRender(context: CommandContext): Promise<void> {
  const invocation = blenderInvocation(context.parameters);
  const errorLines: string[] = [];
  let frame: number | undefined;

  const onLine = (line: string): void => {
    const meaning = classifyBlenderLine(line);
    switch (meaning.kind) {
      case 'saved':
        context.outputProduced(meaning.file);
        break;
      case 'frame-done':
        context.stepCompleted();
        break;
      case 'frame-skipped':
        context.stepCompleted();
        context.activity?.('skipping an existing frame');
        break;
      case 'frame-progress':
        if (meaning.frame !== frame) {
          frame = meaning.frame;
          context.activity?.(`rendering frame ${frame}`);
        }
        break;
      case 'error':
        errorLines.push(line.trim());
        if (errorLines.length > REMEMBERED_ERROR_LINES) errorLines.shift();
        break;
      case 'other':
        break;
    }
  };

  await runLoggedProcess({
    context,
    command: COMMAND,
    program: 'Blender',
    executable: await softwareExecutable(invocation.exe, 'blender', context),
    args: invocation.args,
    onLine,
    failureLines: () => errorLines,
    notFoundAdvice: softwareNotFoundAdvice('blender'),
  });
}
