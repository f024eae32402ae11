// Compiled jobs compared the way the manager compares test outputs: task ids are random per
// compile, so they are replaced by the task's position before two outputs are diffed.

import type { Schema } from '@tablao/api-client';
import { stableJson } from './line-diff.ts';

export type CompiledJob = Schema<'CompiledJob'>;
export type CompileError = Schema<'CompileError'>;

export function withPositionalIds(compiled: CompiledJob): CompiledJob {
  const position = new Map(compiled.tasks.map((task, index) => [task.uuid, `task #${index + 1}`]));
  return {
    ...compiled,
    tasks: compiled.tasks.map((task) => ({ ...task, uuid: position.get(task.uuid)!, dependencies: task.dependencies.map((id) => position.get(id) ?? id) })),
  };
}

/** A test's outcome as diffable text: the compiled job with positional ids, or the error's kind and message. */
export function outcomeText(output: CompiledJob | undefined, error: CompileError | undefined): string {
  if (output) return stableJson(withPositionalIds(output));
  if (error) return stableJson({ error: { kind: error.kind, message: error.message, ...(error.location ? { location: error.location } : {}) } });
  return '';
}

/** The platform name the manager expects in `submitter_platform`, from the browser's. */
export function submitterPlatform(userAgentPlatform: string): string {
  const platform = userAgentPlatform.toLowerCase();
  if (platform.startsWith('win')) return 'windows';
  if (platform.startsWith('mac') || platform.includes('darwin')) return 'darwin';
  return 'linux';
}
