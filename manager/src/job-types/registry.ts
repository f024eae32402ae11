// Where job types come from, in order of precedence: `.js` files a TD drops into the data
// folder's `scripts/` (Flamenco's habit; they override built-ins of the same name and are
// picked up without a restart), the built-ins of job-types/, and custom types stored in the
// database through the API.

import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { JobCompiler } from '@tablao/compiler';
import { CompileError, type JobTypeInfo, type JobTypeSource } from '@tablao/compiler';
import { jobTypeNameOf, loadBuiltInJobTypes } from '@tablao/job-types';
import { compareText } from '../domain/text-order.ts';
import type { Database } from '../storage/database.ts';
import { currentCustomJobType, listCustomJobTypes } from '../storage/job-types.ts';

export type JobTypeOrigin = 'built-in' | 'folder' | 'custom';

export interface JobTypeEntry {
  source: JobTypeSource;
  origin: JobTypeOrigin;
  /** Custom types only: the current version. */
  version?: number;
  updatedAt?: string;
}

export interface LoadedJobType extends JobTypeEntry {
  info: JobTypeInfo;
}

export interface BrokenJobType extends JobTypeEntry {
  error: CompileError;
}

const MIN_SCRIPT_BYTES = 8;

export class JobTypeRegistry {
  readonly #compiler: JobCompiler;
  readonly #db: Database;
  readonly #scriptsDir: string;
  #builtIns: Promise<JobTypeSource[]> | undefined;
  readonly #folderCache = new Map<string, { mtimeMs: number; size: number; source: string }>();

  constructor(options: { compiler: JobCompiler; db: Database; scriptsDir: string }) {
    this.#compiler = options.compiler;
    this.#db = options.db;
    this.#scriptsDir = options.scriptsDir;
  }

  /** Every job type by name, with the ones that fail to load kept apart. */
  async list(): Promise<{ loaded: LoadedJobType[]; broken: BrokenJobType[] }> {
    const entries = await this.#entries();
    const loaded: LoadedJobType[] = [];
    const broken: BrokenJobType[] = [];
    for (const entry of entries.values()) {
      try {
        loaded.push({ ...entry, info: await this.#compiler.readJobType(entry.source) });
      } catch (error) {
        if (!(error instanceof CompileError)) throw error;
        broken.push({ ...entry, error });
      }
    }
    loaded.sort((a, b) => compareText(a.info.name, b.info.name));
    return { loaded, broken };
  }

  /** One job type, or undefined when no source has it. Throws a CompileError when it does not load. */
  async get(name: string): Promise<LoadedJobType | undefined> {
    const entry = await this.entry(name);
    if (!entry) return undefined;
    return { ...entry, info: await this.#compiler.readJobType(entry.source) };
  }

  /** The source of one job type, without running it. */
  async entry(name: string): Promise<JobTypeEntry | undefined> {
    const folder = (await this.#folderScripts()).find((s) => s.name === name);
    if (folder) return { source: folder, origin: 'folder' };
    const builtIn = (await this.#builtInSources()).find((s) => s.name === name);
    if (builtIn) return { source: { ...builtIn, helpers: await this.#helpers() }, origin: 'built-in' };
    const custom = isCustomJobTypeName(name) ? await currentCustomJobType(this.#db, name) : undefined;
    if (custom) {
      return {
        source: { name, filename: customFilename(name), source: custom.source, helpers: await this.#helpers() },
        origin: 'custom',
        version: custom.version,
        updatedAt: custom.createdAt,
      };
    }
    return undefined;
  }

  /**
   * An unsaved script compiled as the job type `name` would be: under that type's file name
   * and with its helpers, or as a custom job type when no type has this name yet.
   */
  async unsavedSource(name: string, script: string): Promise<JobTypeSource> {
    const entry = await this.entry(name);
    if (entry) return { ...entry.source, source: script };
    return { name, filename: customFilename(name), source: script, helpers: await this.#helpers() };
  }

  /** The names of every job type, without running any script. */
  async names(): Promise<string[]> {
    return [...(await this.#entries()).keys()];
  }

  /** Helper scripts `require('./x')` can load: the folder's scripts. */
  async #helpers(): Promise<Record<string, string>> {
    const helpers: Record<string, string> = {};
    for (const script of await this.#folderScripts()) helpers[script.filename] = script.source;
    return helpers;
  }

  async #entries(): Promise<Map<string, JobTypeEntry>> {
    const entries = new Map<string, JobTypeEntry>();
    const helpers = await this.#helpers();
    for (const custom of await listCustomJobTypes(this.#db)) {
      entries.set(custom.name, {
        source: { name: custom.name, filename: customFilename(custom.name), source: custom.source, helpers },
        origin: 'custom',
        version: custom.version,
        updatedAt: custom.createdAt,
      });
    }
    for (const builtIn of await this.#builtInSources()) entries.set(builtIn.name, { source: { ...builtIn, helpers }, origin: 'built-in' });
    for (const script of await this.#folderScripts()) entries.set(script.name, { source: script, origin: 'folder' });
    return entries;
  }

  #builtInSources(): Promise<JobTypeSource[]> {
    this.#builtIns ??= loadBuiltInJobTypes();
    return this.#builtIns;
  }

  /** The scripts folder, re-read when a file changes (by size and modification time). */
  async #folderScripts(): Promise<JobTypeSource[]> {
    let names: string[];
    try {
      names = (await readdir(this.#scriptsDir)).filter((n) => n.endsWith('.js')).sort();
    } catch {
      return [];
    }
    const files: { filename: string; source: string }[] = [];
    for (const filename of names) {
      const path = join(this.#scriptsDir, filename);
      try {
        const info = await stat(path);
        if (!info.isFile() || info.size < MIN_SCRIPT_BYTES) continue;
        let cached = this.#folderCache.get(path);
        if (!cached || cached.mtimeMs !== info.mtimeMs || cached.size !== info.size) {
          cached = { mtimeMs: info.mtimeMs, size: info.size, source: await readFile(path, 'utf8') };
          this.#folderCache.set(path, cached);
        }
        files.push({ filename, source: cached.source });
      } catch {
        continue;
      }
    }
    return files.map(({ filename, source }) => ({
      name: jobTypeNameOf(filename),
      filename,
      source,
      helpers: Object.fromEntries(files.filter((f) => f.filename !== filename).map((f) => [f.filename, f.source])),
    }));
  }
}

/**
 * Whether a custom job type may have this name (`CustomJobTypeName` in the API): other names
 * are not looked up in the database, where some (a NUL character) cannot even be compared.
 */
export function isCustomJobTypeName(name: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/.test(name);
}

/** Custom job types are named in error messages as if they were files. */
function customFilename(name: string): string {
  return `${name}.js`;
}
