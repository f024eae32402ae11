// Settings, metadata and command parameters are JSON that people and job-type scripts make: the
// compiler checks that they are JSON, and the database keeps them as such, but TypeScript knows
// their values only as `unknown`. The document types them as `JobSettingValue`, which nests at
// most to lists of plain values so that the generated types are not circular. These functions
// are the one place where the API takes the compiler's word for the shape of such values.

import type { Schema } from '@tablao/api-client';
import type { CompiledJob, SubmittedJob } from '@tablao/compiler';

export function settingsJson(settings: Readonly<Record<string, unknown>>): Schema<'JobSettings'> {
  return settings as Schema<'JobSettings'>;
}

export function compiledJobJson(compiled: CompiledJob): Schema<'CompiledJob'> {
  return compiled as Schema<'CompiledJob'>;
}

/** A submission the manager kept (a test case's job): it fitted the document when it came in. */
export function submittedJobJson(job: SubmittedJob): Schema<'SubmittedJob'> {
  return job as Schema<'SubmittedJob'>;
}
