import { isAbortError } from '../platform/abort.ts';
import { quoteCommandLine } from '../platform/platform-rules.ts';
import { ProcessStartError, runProcess, type ProcessExit } from '../platform/run-process.ts';
import { CommandError, type CommandContext } from './command.ts';

// The part every command that runs a program shares: say in the task log what is about to run
// (quoted so it can be pasted into a shell), log each output line as Flamenco does
// (`pid=123 > line`), and turn a failed start or a failed exit into a CommandError that says
// what happened.

export interface LoggedRun {
  readonly context: CommandContext;
  /** The command's name, which starts every message: `blender-render`. */
  readonly command: string;
  /** The program as people call it: `Blender`. */
  readonly program: string;
  readonly executable: string;
  readonly args: readonly string[];
  /** Sees every output line as well, e.g. to recognise progress. */
  readonly onLine?: (line: string) => void;
  /** The lines that best explain a failure; by default the last lines of output. */
  readonly failureLines?: () => readonly string[];
  /** What to do when the executable does not exist, for the message. */
  readonly notFoundAdvice: string;
}

const REMEMBERED_LINES = 5;

export async function runLoggedProcess(run: LoggedRun): Promise<void> {
  const { context } = run;
  const { platform } = context.environment;
  const recentLines: string[] = [];
  let pid = 0;
  context.log(`going to run: ${quoteCommandLine([run.executable, ...run.args], platform)}`);

  let ended: ProcessExit;
  try {
    ended = await runProcess({
      executable: run.executable,
      args: run.args,
      platform,
      signal: context.signal,
      onStart: (started) => {
        pid = started;
      },
      onLine: (line) => {
        context.log(`pid=${pid} > ${line}`);
        if (line.trim() !== '') {
          recentLines.push(line);
          if (recentLines.length > REMEMBERED_LINES) recentLines.shift();
        }
        run.onLine?.(line);
      },
    });
  } catch (error) {
    if (isAbortError(error)) throw error;
    if (error instanceof ProcessStartError) throw new CommandError(`${run.command}: ${startFailure(run, error)}`);
    throw error;
  }

  if (ended.exitCode === 0) return;
  const explanation = run.failureLines?.() ?? [];
  const lines = explanation.length > 0 ? explanation : recentLines;
  const how =
    ended.exitCode !== null
      ? `exited with code ${ended.exitCode}`
      : `was killed by signal ${ended.signal}${ended.signal === 'SIGKILL' ? ' (perhaps the machine ran out of memory)' : ''}`;
  const last = lines.length > 0 ? `; its last ${lines === explanation ? 'error ' : ''}lines: ${lines.join(' | ')}` : '';
  throw new CommandError(`${run.command}: ${run.program} ${how}${last}`);
}

function startFailure(run: LoggedRun, error: ProcessStartError): string {
  const named = `${run.program} could not be started: ${JSON.stringify(run.executable)}`;
  switch (error.code) {
    case 'ENOENT': {
      const variable = /\{(\w+)\}/.exec(run.executable)?.[1];
      if (variable !== undefined) {
        return `${named} was not found: it holds the variable {${variable}}, which the manager did not replace; define it under variables in tablao-manager.yaml`;
      }
      return `${named} was not found; ${run.notFoundAdvice}`;
    }
    case 'EACCES':
    case 'EPERM':
      return `${named} may not be run (permission denied); make sure it is an executable file the worker's user may run`;
    case 'EINVAL':
      return `${named} cannot be run directly (on Windows, .bat and .cmd files need a shell, which the worker never uses); use an executable (.exe) instead`;
    default:
      return `${named}: ${(error.cause as Error).message}`;
  }
}
