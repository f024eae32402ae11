// Where a compile error belongs in the editor: the line and column the manager reports
// (`CompileError.location`, 1-based lines, 0- or 1-based columns) or, failing that, the line a
// message like "my-type.js:3:7: nothing to render" names.

import type { Schema } from '@tablao/api-client';

export type CompileError = Schema<'CompileError'>;

export interface EditorMarker {
  line: number;
  column: number;
  message: string;
}

const LOCATION_IN_MESSAGE = /(?:^|\s|\()[^\s:()]+\.js:(\d+):(\d+)/;

/** The marker for `error` in a script of `lineCount` lines, or undefined when it has no place in the script. */
export function markerOf(error: CompileError, lineCount: number): EditorMarker | undefined {
  let line = error.location?.line;
  let column = error.location?.column;
  if (line === undefined) {
    const match = LOCATION_IN_MESSAGE.exec(error.message);
    if (match) {
      line = Number(match[1]);
      column = Number(match[2]);
    }
  }
  if (line === undefined || lineCount < 1) return undefined;
  return { line: Math.min(Math.max(1, line), lineCount), column: Math.max(1, column ?? 1), message: error.message };
}
