// The manager's configuration: `tablao-manager.yaml` in the data folder (or --config), made
// with working defaults on first run; command-line flags override it. The running manager
// shares one ManagerConfig object between its services; saving settings that take effect at
// once (shared storage, variables, the name) changes that object in place, so every service
// sees them (updateConfigFile).

import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import { parse, stringify } from 'yaml';
import { DEFAULT_VARIABLES, type VariableDefinitions } from '../domain/variables.ts';
import { formatGoDuration, GO_DURATION_PATTERN, parseGoDuration } from '../shaman/go-duration.ts';

export interface ManagerConfig {
  managerName: string;
  /** Interface to listen on; empty = all. */
  host: string;
  port: number;
  dataDir: string;
  /** `postgres://…` for PostgreSQL; empty = the SQLite file `tablao.sqlite` in the data folder. */
  database: string;
  /** The folder every worker and the manager reach, where job files live. Empty until set up. */
  sharedStoragePath: string;
  /** Two-way and one-way variables ({blender}, {jobs}, …) per platform and audience. */
  variables: VariableDefinitions;
  /** The config file this came from. */
  configFile: string;
  /** Shaman, the upload API for studios whose artists cannot reach the shared storage; off when absent. */
  shaman?: ShamanConfig;
}

/** Flamenco's `shaman` settings; the file store and checkouts live in the shared storage. */
export interface ShamanConfig {
  enabled: boolean;
  garbageCollect: {
    /** How often files no checkout uses are looked for; 0 = never. */
    periodMs: number;
    /** How long an unused file is kept after it was last uploaded or asked for. */
    maxAgeMs: number;
    /** Folders besides `<shared storage>/jobs` whose links to stored files keep them. */
    extraCheckoutPaths: string[];
  };
}

export interface ConfigOverrides {
  configFile?: string;
  dataDir?: string;
  port?: number;
  host?: string;
  database?: string;
}

export const CONFIG_FILE_NAME = 'tablao-manager.yaml';

export interface FileVariable {
  is_twoway?: boolean;
  values: { platform?: string; platforms?: readonly string[]; audience?: 'all' | 'workers' | 'users' | ''; value: string }[];
}

/** The settings as the file spells them. */
export interface FileConfig {
  manager_name?: string;
  host?: string;
  port?: number;
  database?: string;
  shared_storage_path?: string;
  variables?: Record<string, FileVariable>;
  shaman?: FileShamanSettings;
}

/** The `shaman` section, in Flamenco's names; durations in Go's form ("24h0m0s"). */
export interface FileShamanSettings {
  enabled?: boolean;
  garbageCollect?: { period?: string; maxAge?: string; extraCheckoutPaths?: string[] };
}

const fileSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    manager_name: { type: 'string', minLength: 1, maxLength: 256 },
    host: { type: 'string', maxLength: 256 },
    port: { type: 'integer', minimum: 1, maximum: 65535 },
    database: { type: 'string', maxLength: 4096 },
    shared_storage_path: { type: 'string', maxLength: 4096 },
    variables: {
      type: 'object',
      propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['values'],
        properties: {
          is_twoway: { type: 'boolean' },
          values: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['value'],
              properties: {
                platform: { type: 'string' },
                platforms: { type: 'array', items: { type: 'string' } },
                audience: { enum: ['all', 'workers', 'users', ''] },
                value: { type: 'string' },
              },
            },
          },
        },
      },
    },
    shaman: {
      type: 'object',
      additionalProperties: false,
      properties: {
        enabled: { type: 'boolean' },
        garbageCollect: {
          type: 'object',
          additionalProperties: false,
          properties: {
            period: { type: 'string', pattern: GO_DURATION_PATTERN },
            maxAge: { type: 'string', pattern: GO_DURATION_PATTERN },
            extraCheckoutPaths: { type: 'array', maxItems: 100, items: { type: 'string', minLength: 1, maxLength: 4096 } },
          },
        },
      },
    },
  },
};

const validateFile = new Ajv({ allErrors: true, allowUnionTypes: true }).compile<FileConfig>(fileSchema);

const DEFAULTS: Required<FileConfig> = {
  manager_name: 'Tablao Manager',
  host: '',
  port: 8080,
  database: '',
  shared_storage_path: '',
  variables: toFileVariables(DEFAULT_VARIABLES),
  // Flamenco's defaults: on except on Windows (symbolic links need special rights there), a
  // look every day for files unused for 31 days.
  shaman: { enabled: process.platform !== 'win32', garbageCollect: { period: '24h0m0s', maxAge: '744h0m0s', extraCheckoutPaths: [] } },
};

export class ConfigError extends Error {}

/** Reads the configuration, writing a default file first if there is none. */
export async function loadConfig(overrides: ConfigOverrides = {}): Promise<ManagerConfig> {
  const dataDir = resolve(overrides.dataDir ?? 'tablao-data');
  const configFile = resolve(overrides.configFile ?? join(dataDir, CONFIG_FILE_NAME));
  if (!existsSync(configFile)) {
    if (overrides.configFile) throw new ConfigError(`the configuration file ${configFile} does not exist`);
    await mkdir(dirname(configFile), { recursive: true });
    await writeFile(configFile, defaultConfigText());
  }
  const fromFile = parseConfigText(await readFile(configFile, 'utf8'), configFile);
  const merged = { ...DEFAULTS, ...fromFile };
  return {
    managerName: merged.manager_name,
    host: overrides.host ?? merged.host,
    port: overrides.port ?? merged.port,
    dataDir,
    database: overrides.database ?? merged.database,
    sharedStoragePath: merged.shared_storage_path,
    variables: fromFileVariables(merged.variables),
    configFile,
    shaman: fromFileShaman(merged.shaman),
  };
}

/** The file's `shaman` section with Flamenco's defaults for what it leaves out. */
export function fromFileShaman(settings: FileShamanSettings): ShamanConfig {
  const defaults = DEFAULTS.shaman.garbageCollect as Required<NonNullable<FileShamanSettings['garbageCollect']>>;
  const gc = { ...defaults, ...settings.garbageCollect };
  return {
    enabled: settings.enabled ?? (DEFAULTS.shaman.enabled as boolean),
    garbageCollect: {
      periodMs: parseGoDuration(gc.period) ?? 0,
      maxAgeMs: parseGoDuration(gc.maxAge) ?? 0,
      extraCheckoutPaths: [...gc.extraCheckoutPaths],
    },
  };
}

export function toFileShaman(shaman: ShamanConfig): FileShamanSettings {
  return {
    enabled: shaman.enabled,
    garbageCollect: {
      period: formatGoDuration(shaman.garbageCollect.periodMs),
      maxAge: formatGoDuration(shaman.garbageCollect.maxAgeMs),
      extraCheckoutPaths: [...shaman.garbageCollect.extraCheckoutPaths],
    },
  };
}

export function fromFileVariables(variables: Record<string, FileVariable>): VariableDefinitions {
  return Object.fromEntries(
    Object.entries(variables).map(([name, v]) => [name, { ...(v.is_twoway ? { isTwoWay: true } : {}), values: v.values }]),
  );
}

export function toFileVariables(variables: VariableDefinitions): Record<string, FileVariable> {
  return Object.fromEntries(
    Object.entries(variables).map(([name, v]) => [name, { ...(v.isTwoWay ? { is_twoway: true } : {}), values: v.values.map((x) => ({ ...x })) }]),
  );
}

export function parseConfigText(text: string, file: string): FileConfig {
  let value: unknown;
  try {
    value = parse(text) ?? {};
  } catch (error) {
    throw new ConfigError(`${file} is not valid YAML: ${(error as Error).message}`, { cause: error });
  }
  return checkConfigSettings(value, file);
}

/** Checks settings (parsed YAML, or JSON from the API) against the file's format; the error names each bad setting. */
export function checkConfigSettings(value: unknown, source: string): FileConfig {
  if (!validateFile(value)) throw new ConfigError(`${source}: ${describeProblems(validateFile.errors ?? [])}`);
  const maxAge = value.shaman?.garbageCollect?.maxAge;
  if (maxAge !== undefined && parseGoDuration(maxAge) === 0) {
    throw new ConfigError(`${source}: "shaman.garbageCollect.maxAge" cannot be 0: files would be removed between their upload and their checkout`);
  }
  return value;
}

function describeProblems(errors: readonly ErrorObject[]): string {
  const problems = errors.map((e) => {
    const at = e.instancePath.slice(1).replaceAll('/', '.');
    if (e.keyword === 'additionalProperties') {
      const extra = (e.params as { additionalProperty: string }).additionalProperty;
      return at === ''
        ? `"${extra}" is not a setting (known: ${Object.keys(fileSchema.properties).join(', ')})`
        : `"${at}" has "${extra}", which it does not know`;
    }
    if (e.keyword === 'propertyNames') return `"${at}" has a name that is not a variable name (letters, digits and _)`;
    if (e.keyword === 'type' && at === '') return 'the configuration must be a map of settings';
    if (e.keyword === 'pattern' && at.startsWith('shaman.garbageCollect.')) return `"${at}" must be a duration such as 24h0m0s, 744h, 30m or 1h30m`;
    return `"${at || 'the file'}" ${e.message ?? 'is not valid'}`;
  });
  return [...new Set(problems)].join('; ');
}

function defaultConfigText(): string {
  return [
    '# Tablao manager configuration. Command-line flags override these settings.',
    '',
    stringify(DEFAULTS).trimEnd(),
    '',
    '# database: "" keeps everything in tablao.sqlite in the data folder; a studio that outgrows',
    '# one file can use PostgreSQL instead, e.g. postgres://tablao@dbhost/tablao',
    '',
  ].join('\n');
}

/** Every setting, with the defaults for those the file leaves out. */
export function withDefaults(settings: FileConfig): Required<FileConfig> {
  return { ...DEFAULTS, ...settings };
}

/**
 * The running configuration in the file's terms: the settings that come from the file alone
 * (host, port and database may come from command-line flags, so they are left out).
 */
export function fileSettingsOf(config: ManagerConfig): FileConfig {
  return {
    manager_name: config.managerName,
    shared_storage_path: config.sharedStoragePath,
    variables: toFileVariables(config.variables),
    ...(config.shaman ? { shaman: toFileShaman(config.shaman) } : {}),
  };
}

/** Reads and checks the configuration file; a ConfigError names what is wrong. */
export async function readConfigFile(file: string): Promise<{ text: string; settings: FileConfig }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`${file} cannot be read: ${(error as Error).message}`, { cause: error });
  }
  return { text, settings: parseConfigText(text, file) };
}

/** The file as it is: its text when it can be read, its settings when they are valid, else the problem. */
export async function inspectConfigFile(file: string): Promise<{ text?: string; settings?: FileConfig; problem?: ConfigError }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    return { problem: new ConfigError(`${file} cannot be read: ${(error as Error).message}`, { cause: error }) };
  }
  try {
    return { text, settings: parseConfigText(text, file) };
  } catch (error) {
    if (error instanceof ConfigError) return { text, problem: error };
    throw error;
  }
}

/** The text of a configuration file the manager writes. */
export function configFileText(settings: FileConfig): string {
  return [
    '# Tablao manager configuration, written by the manager. Command-line flags override these',
    '# settings; host, port and database take effect when the manager starts.',
    '',
    stringify(settings).trimEnd(),
    '',
  ].join('\n');
}

/** Writes to one file at a time, in order, so that two saves never mix. */
const writeQueues = new Map<string, Promise<unknown>>();

function queued<T>(file: string, work: () => Promise<T>): Promise<T> {
  const previous = writeQueues.get(file) ?? Promise.resolve();
  const next = previous.then(work, work);
  const settled = next.then(
    () => undefined,
    () => undefined,
  );
  writeQueues.set(file, settled);
  void settled.then(() => {
    if (writeQueues.get(file) === settled) writeQueues.delete(file);
  });
  return next;
}

/**
 * Replaces the file's settings. They are checked first (a ConfigError names each bad setting),
 * then written beside the file and renamed over it: a bad request or a failed write never
 * loses the old file. The running configuration is left alone.
 */
export async function writeConfigFile(file: string, settings: unknown): Promise<FileConfig> {
  const checked = checkConfigSettings(settings, 'the configuration');
  return queued(file, async () => {
    await writeAtomically(file, configFileText(checked));
    return checked;
  });
}

/**
 * Changes settings in the file and in the running configuration: `change` gets the file's
 * current settings (or, when the file cannot be read, the running ones) and returns the new
 * ones. The shared `config` object is changed in place, so every service sees the new name,
 * shared storage and variables at once; host, port and database need a restart.
 */
export function updateConfigFile(config: ManagerConfig, change: (settings: FileConfig) => FileConfig): Promise<FileConfig> {
  return queued(config.configFile, async () => {
    let current: FileConfig;
    try {
      current = (await readConfigFile(config.configFile)).settings;
    } catch {
      current = fileSettingsOf(config);
    }
    const updated = checkConfigSettings(change(structuredClone(current)), 'the configuration');
    await writeAtomically(config.configFile, configFileText(updated));
    const effective = withDefaults(updated);
    config.managerName = effective.manager_name;
    config.sharedStoragePath = effective.shared_storage_path;
    config.variables = fromFileVariables(effective.variables);
    return updated;
  });
}

async function writeAtomically(file: string, text: string): Promise<void> {
  const temporary = join(dirname(file), `.${basename(file)}.${process.pid}.${Date.now()}.tmp`);
  await mkdir(dirname(file), { recursive: true });
  try {
    await writeFile(temporary, text);
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw new ConfigError(`${file} could not be written: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Whether the Shaman upload API is on: when the configuration says so and there is shared
 * storage to keep its files in (as Flamenco, which keeps Shaman off without one). Changes to
 * the `shaman` section take effect when the manager starts; shared storage set by the setup
 * assistant counts at once.
 */
export function isShamanEnabled(config: Pick<ManagerConfig, 'shaman' | 'sharedStoragePath'>): boolean {
  return config.shaman?.enabled === true && config.sharedStoragePath !== '';
}

/** Where job files live, as the manager sees it: `<shared storage>/jobs` with Shaman, else the shared storage (the `{jobs}` variable). */
export function effectiveJobsPath(config: ManagerConfig): string {
  if (config.sharedStoragePath === '' || !isShamanEnabled(config)) return config.sharedStoragePath;
  return join(config.sharedStoragePath, 'jobs');
}
