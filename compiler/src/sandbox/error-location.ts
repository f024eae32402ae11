// Finds where in a job-type script (or one of its helpers) an error happened, from the stack
// trace that crossed the isolate boundary, and writes it the way compilers do: file:line:column.

import type { SourceLocation } from '../errors.ts';
import { originalColumn, type PreparedScript } from './prepare-script.ts';

interface ScriptFiles {
  main: PreparedScript;
  helpers: readonly PreparedScript[];
}

const FRAME = /([^\s()]+):(\d+):(\d+)\)?\s*$/;

/** The first stack frame that lies in one of the scripts, in the script's own coordinates. */
export function locateError(stack: string | undefined, files: ScriptFiles): SourceLocation | undefined {
  if (!stack) return undefined;
  const byName = new Map<string, PreparedScript>([[files.main.filename, files.main]]);
  for (const helper of files.helpers) byName.set(helper.filename, helper);
  for (const line of stack.split('\n')) {
    const match = FRAME.exec(line) ?? /\[([^\s[\]]+):(\d+):(\d+)\]\s*$/.exec(line);
    if (!match) continue;
    const script = byName.get(match[1]);
    if (!script) continue;
    const lineNumber = Number(match[2]);
    return { file: script.filename, line: lineNumber, column: originalColumn(script.insertions, lineNumber, Number(match[3])) };
  }
  return undefined;
}

export function withLocation(mainFile: string, location: SourceLocation | undefined, message: string): string {
  const text = message.trim() === '' ? 'the script threw an error without a message' : message;
  return location ? `${location.file}:${location.line}:${location.column}: ${text}` : `${mainFile}: ${text}`;
}
