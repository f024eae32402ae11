// Tablao's job compiler: job-type scripts in isolated-vm sandboxes, compiled into tasks.

export { JobCompiler, type CompileOptions, type JobCompilerOptions } from './job-compiler.ts';
export { CompileError, type CompileErrorKind, type SettingProblem, type SourceLocation } from './errors.ts';
export * from './types.ts';
