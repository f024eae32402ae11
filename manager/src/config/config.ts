// The manager's configuration: `tablao-manager.yaml` in the data folder (or --config), made
// with working defaults on first run; command-line flags override it.

import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { Ajv } from 'ajv';
import { parse, stringify } from 'yaml';
import { DEFAULT_VARIABLES, type VariableDefinitions } from '../domain/variables.ts';

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
}

export interface ConfigOverrides {
  configFile?: string;
  dataDir?: string;
  port?: number;
  host?: string;
  database?: string;
}

export const CONFIG_FILE_NAME = 'tablao-manager.yaml';

interface FileVariable {
  is_twoway?: boolean;
  values: { platform?: string; platforms?: readonly string[]; audience?: 'all' | 'workers' | 'users' | ''; value: string }[];
}

interface FileConfig {
  manager_name?: string;
  host?: string;
  port?: number;
  database?: string;
  shared_storage_path?: string;
  variables?: Record<string, FileVariable>;
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
  if (!validateFile(value)) {
    const problems = (validateFile.errors ?? []).map((e) => {
      const key = e.instancePath.slice(1) || (e.params as { additionalProperty?: string }).additionalProperty || 'the file';
      return e.keyword === 'additionalProperties'
        ? `"${key}" is not a setting (known: ${Object.keys(fileSchema.properties).join(', ')})`
        : `"${key}" ${e.message}`;
    });
    throw new ConfigError(`${file}: ${problems.join('; ')}`);
  }
  return value;
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
