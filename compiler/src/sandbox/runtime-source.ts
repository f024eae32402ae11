// Builds the source text of the in-isolate runtime from the runtime modules. Those modules
// are plain function declarations (Node runs our TypeScript by stripping types, so a
// function's toString() is JavaScript); injecting their text keeps one implementation that
// the host's unit tests and the sandbox both run.

import * as authoring from '../runtime/authoring.ts';
import * as formatValue from '../runtime/format-value.ts';
import * as frames from '../runtime/frames.ts';
import * as paths from '../runtime/paths.ts';
import * as shellSplit from '../runtime/shell-split.ts';
import * as timestamp from '../runtime/timestamp.ts';
import * as uuid from '../runtime/uuid.ts';

/** The file name the runtime's own frames carry in stack traces. */
export const RUNTIME_FILENAME = 'tablao-runtime.js';

const runtimeModules: readonly object[] = [frames, paths, shellSplit, timestamp, uuid, formatValue, authoring];

let cached: string | undefined;

/** A script whose completion value is `setupSandbox(configJson)`; see runtime/authoring.ts. */
export function runtimeSource(): string {
  if (cached === undefined) {
    const declarations: string[] = [];
    for (const module of runtimeModules) {
      for (const value of Object.values(module)) {
        if (typeof value === 'function') declarations.push(value.toString());
      }
    }
    cached = `(function () {\n'use strict';\n${declarations.join('\n\n')}\nreturn setupSandbox;\n})()`;
  }
  return cached;
}
