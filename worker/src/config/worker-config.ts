// The worker's configuration: `tablao-worker.yaml` in its data folder (or --config), made with
// working defaults on first run; command-line flags override it. Key names follow Flamenco's
// `flamenco-worker.yaml` where Flamenco has the setting.

import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import { parse, stringify } from 'yaml';

export interface WorkerConfig {
  /** The manager's base URL, e.g. http://render-manager:8080. */
  managerUrl: string;
  /** The name the farm shows; the host name unless set. */
  workerName: string;
  /** Task types this worker announces (job types give each task a type). */
  taskTypes: string[];
  /** Exit code that asks the service manager (systemd, …) to start the worker again; 0 = cannot restart. */
  restartExitCode: number;
  /** Blender and FFmpeg as configured here; empty = look for them. */
  blender: string;
  ffmpeg: string;
  /** Executables the `exec` command may run. */
  allowedExecutables: string[];
  dataDir: string;
  configFile: string;
}

export interface WorkerConfigOverrides {
  configFile?: string;
  dataDir?: string;
  managerUrl?: string;
  workerName?: string;
  restartExitCode?: number;
}

export const CONFIG_FILE_NAME = 'tablao-worker.yaml';
export const DEFAULT_DATA_DIR = 'tablao-worker-data';

/** The settings as the file spells them. */
interface FileConfig {
  manager_url?: string;
  worker_name?: string;
  task_types?: string[];
  restart_exit_code?: number;
  blender?: string;
  ffmpeg?: string;
  allowed_executables?: string[];
}

const DEFAULTS: Required<FileConfig> = {
  manager_url: 'http://localhost:8080',
  worker_name: '',
  task_types: ['blender', 'ffmpeg', 'file-management', 'misc'],
  restart_exit_code: 0,
  blender: '',
  ffmpeg: '',
  allowed_executables: [],
};

/** What each setting is, for the default file and for error messages. */
const EXPLANATIONS: Record<keyof FileConfig, string> = {
  manager_url: 'the manager to work for, e.g. http://render-manager:8080',
  worker_name: 'the name the farm shows for this machine; empty = its host name',
  task_types: 'the kinds of tasks this worker takes, e.g. [blender, ffmpeg, file-management, misc]',
  restart_exit_code: 'exit code that makes the service manager start the worker again when it is asked to restart (e.g. 47); 0 = this worker cannot restart itself',
  blender: 'the Blender executable; empty = the manager\'s {blender} variable, else blender on PATH',
  ffmpeg: 'the FFmpeg executable; empty = ffmpeg on PATH',
  allowed_executables: 'programs the `exec` command may run (absolute paths, or names found on PATH); empty = none',
};

const fileSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    manager_url: { type: 'string', minLength: 1, maxLength: 2048 },
    worker_name: { type: 'string', maxLength: 256 },
    task_types: { type: 'array', maxItems: 64, items: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,64}$' } },
    restart_exit_code: { type: 'integer', minimum: 0, maximum: 255 },
    blender: { type: 'string', maxLength: 4096 },
    ffmpeg: { type: 'string', maxLength: 4096 },
    allowed_executables: { type: 'array', maxItems: 256, items: { type: 'string', minLength: 1, maxLength: 4096 } },
  },
};

const validateFile = new Ajv({ allErrors: true }).compile<FileConfig>(fileSchema);

export class WorkerConfigError extends Error {}

/** Reads the configuration, writing a default file first if there is none. */
export async function loadWorkerConfig(overrides: WorkerConfigOverrides = {}): Promise<WorkerConfig> {
  const dataDir = resolve(overrides.dataDir ?? DEFAULT_DATA_DIR);
  const configFile = resolve(overrides.configFile ?? join(dataDir, CONFIG_FILE_NAME));
  if (!existsSync(configFile)) {
    if (overrides.configFile) throw new WorkerConfigError(`the configuration file ${configFile} does not exist; leave out --config to have one made with working defaults`);
    try {
      await mkdir(dirname(configFile), { recursive: true });
      await writeFile(configFile, defaultConfigText());
    } catch (error) {
      throw new WorkerConfigError(`cannot write the configuration file ${configFile} (${(error as Error).message}); choose a writable folder with --data-dir`, { cause: error });
    }
  }
  let text: string;
  try {
    text = await readFile(configFile, 'utf8');
  } catch (error) {
    throw new WorkerConfigError(`cannot read the configuration file ${configFile}: ${(error as Error).message}`, { cause: error });
  }
  const settings = { ...DEFAULTS, ...parseWorkerConfigText(text, configFile) };
  const managerUrl = overrides.managerUrl ?? settings.manager_url;
  checkManagerUrl(managerUrl, overrides.managerUrl !== undefined ? '--manager' : `${configFile}: "manager_url"`);
  const workerName = (overrides.workerName ?? settings.worker_name).trim() || hostname();
  if (workerName.length > 256) throw new WorkerConfigError('the worker name is longer than 256 characters; choose a shorter one with --name or worker_name');
  return {
    managerUrl: managerUrl.replace(/\/+$/, ''),
    workerName,
    taskTypes: [...new Set(settings.task_types.map((type) => type.toLowerCase()))],
    restartExitCode: overrides.restartExitCode ?? settings.restart_exit_code,
    blender: settings.blender,
    ffmpeg: settings.ffmpeg,
    allowedExecutables: settings.allowed_executables,
    dataDir,
    configFile,
  };
}

/** The settings of a configuration file's text; a WorkerConfigError names each bad setting and says what it should be. */
export function parseWorkerConfigText(text: string, file: string): FileConfig {
  let value: unknown;
  try {
    value = parse(text) ?? {};
  } catch (error) {
    throw new WorkerConfigError(`${file} is not valid YAML: ${(error as Error).message}`, { cause: error });
  }
  if (!validateFile(value)) throw new WorkerConfigError(`${file}: ${describeProblems(validateFile.errors ?? [])}`);
  return value;
}

function checkManagerUrl(url: string, where: string): void {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (parsed === undefined || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    throw new WorkerConfigError(`${where} must be the manager's http:// or https:// address, such as http://render-manager:8080, not ${JSON.stringify(url)}`);
  }
}

function describeProblems(errors: readonly ErrorObject[]): string {
  const problems = errors.map((e) => {
    if (e.keyword === 'additionalProperties') {
      const extra = (e.params as { additionalProperty: string }).additionalProperty;
      return `"${extra}" is not a setting (known: ${Object.keys(fileSchema.properties).join(', ')})`;
    }
    if (e.keyword === 'type' && e.instancePath === '') return 'the configuration must be a map of settings, such as "manager_url: http://render-manager:8080"';
    const key = e.instancePath.split('/')[1] as keyof FileConfig;
    const at = e.instancePath.slice(1).replaceAll('/', '.');
    const explanation = EXPLANATIONS[key] ? ` (${key}: ${EXPLANATIONS[key]})` : '';
    return `"${at}" ${e.message ?? 'is not valid'}${explanation}`;
  });
  return [...new Set(problems)].join('; ');
}

function defaultConfigText(): string {
  const lines = ['# Tablao worker configuration. Command-line flags override these settings.', ''];
  for (const key of Object.keys(DEFAULTS) as (keyof FileConfig)[]) {
    lines.push(`# ${key}: ${EXPLANATIONS[key]}`);
    lines.push(stringify({ [key]: DEFAULTS[key] }).trimEnd());
    lines.push('');
  }
  return lines.join('\n');
}
