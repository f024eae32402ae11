import { ensureDriveAbsolute, toPlatformPath, toSlashes, trimTrailingSeparators } from './platform-paths.ts';

// Variables map a name to a value per platform and audience: `{blender}` is the Blender command
// on each worker's platform, `{jobs}` the shared jobs folder. Commands are expanded for the
// worker that gets them. Two-way variables also work backwards: a submitted job's paths that
// start with a two-way variable's value (for the submitter's platform) are stored as `{name}…`,
// so that each worker gets the path as its own platform mounts it.

/** Who sees a value: the workers (commands), the users (add-on, web UI), or both. */
export type VariableAudience = 'all' | 'workers' | 'users';
export type ConcreteAudience = Exclude<VariableAudience, 'all'>;

export interface VariableValue {
  /** A GOOS name ("linux", "windows", "darwin", …) or "all". */
  readonly platform?: string;
  /** More platforms sharing this value; may be combined with `platform`. */
  readonly platforms?: readonly string[];
  /** Missing or empty means "all". */
  readonly audience?: VariableAudience | '';
  readonly value: string;
}

export interface VariableDefinition {
  /** Two-way variables hold paths and are also replaced backwards at submission. */
  readonly isTwoWay?: boolean;
  readonly values: readonly VariableValue[];
}

/** The `variables` section of the configuration: name → definition. */
export type VariableDefinitions = Readonly<Record<string, VariableDefinition>>;

/** Flamenco's defaults: Blender found on the PATH, run in the background. */
export const DEFAULT_VARIABLES: VariableDefinitions = {
  blender: {
    values: [
      { platform: 'linux', value: 'blender' },
      { platform: 'windows', value: 'blender.exe' },
      { platform: 'darwin', value: 'blender' },
    ],
  },
  blenderArgs: { values: [{ platform: 'all', value: '-b -y' }] },
};

/** The one variable the manager defines itself. */
export const JOBS_VARIABLE = 'jobs';

const CONCRETE_AUDIENCES: readonly ConcreteAudience[] = ['workers', 'users'];

interface TableEntry {
  readonly value: string;
  /** Set for a value meant for one audience only; it wins over a value for all audiences. */
  readonly audienceSpecific: boolean;
}

/** Variables resolved per audience and platform, ready for lookups. Build it once per configuration. */
export interface VariableTable {
  readonly entries: ReadonlyMap<ConcreteAudience, ReadonlyMap<string, ReadonlyMap<string, TableEntry>>>;
  readonly twoWay: ReadonlySet<string>;
}

export interface ImplicitVariables {
  /** Where jobs live, as the manager sees it: `<shared storage>/jobs` with Shaman, else the shared storage. */
  readonly jobsPath: string;
}

/** Builds the lookup table, adding `{jobs}`; the warnings are for the manager's log. */
export function buildVariableTable(
  definitions: VariableDefinitions,
  implicit: ImplicitVariables,
): { readonly table: VariableTable; readonly warnings: readonly string[] } {
  const warnings: string[] = [];
  const entries = new Map<ConcreteAudience, Map<string, Map<string, TableEntry>>>(
    CONCRETE_AUDIENCES.map((audience) => [audience, new Map()]),
  );
  const twoWay = new Set<string>();

  const all: [string, VariableDefinition][] = [];
  for (const [name, definition] of Object.entries(definitions)) {
    if (name === JOBS_VARIABLE) {
      warnings.push(`variable "${JOBS_VARIABLE}" is defined by the manager itself; the configured one is ignored`);
      continue;
    }
    all.push([name, definition]);
  }
  // One-way: the manager cannot know how other platforms reach its storage; two-way variables
  // whose manager-platform value is a prefix of it translate it (see expandVariables).
  all.push([JOBS_VARIABLE, { values: [{ platform: 'all', audience: 'all', value: implicit.jobsPath }] }]);

  for (const [name, definition] of all) {
    if (definition.isTwoWay === true) twoWay.add(name);
    for (const value of definition.values) {
      const platforms = [...(value.platform ? [value.platform] : []), ...(value.platforms ?? [])];
      if (platforms.length === 0) {
        warnings.push(`variable "${name}" has a value without platform; it is ignored`);
        continue;
      }
      const audience = value.audience || 'all';
      if (audience !== 'all' && !CONCRETE_AUDIENCES.includes(audience)) {
        warnings.push(`variable "${name}" has a value for unknown audience "${audience}"; it is ignored`);
        continue;
      }
      const entry: TableEntry = {
        // `/render/` must turn `/render/x` into `{render}/x`, not `{render}x`.
        value: definition.isTwoWay === true ? trimTrailingSeparators(value.value) : value.value,
        audienceSpecific: audience !== 'all',
      };
      for (const concrete of audience === 'all' ? CONCRETE_AUDIENCES : [audience]) {
        for (const platform of platforms) {
          const byName = entries.get(concrete)?.get(platform) ?? new Map<string, TableEntry>();
          entries.get(concrete)?.set(platform, byName);
          const existing = byName.get(name);
          if (existing === undefined || entry.audienceSpecific || !existing.audienceSpecific) byName.set(name, entry);
        }
      }
    }
  }

  for (const value of definitions.blender?.values ?? []) {
    if (value.value === '') {
      warnings.push(`variable "blender" has no value for ${value.platform ?? value.platforms?.join(', ') ?? 'some platform'}; Blender cannot run there`);
    }
  }
  return { table: { entries, twoWay }, warnings };
}

export interface ResolvedVariable {
  readonly value: string;
  readonly isTwoWay: boolean;
}

/** The variables an audience sees on a platform; a platform's own value wins over the one for "all". */
export function resolveVariables(table: VariableTable, audience: ConcreteAudience, platform: string): Map<string, ResolvedVariable> {
  const byPlatform = table.entries.get(audience);
  const resolved = new Map<string, ResolvedVariable>();
  for (const source of [byPlatform?.get('all'), platform === 'all' ? undefined : byPlatform?.get(platform)]) {
    for (const [name, entry] of source ?? []) resolved.set(name, { value: entry.value, isTwoWay: table.twoWay.has(name) });
  }
  return resolved;
}

export interface ExpansionTarget {
  readonly table: VariableTable;
  readonly audience: ConcreteAudience;
  /** The platform of whoever gets the expanded value, e.g. the worker's. */
  readonly platform: string;
  /** The manager's own platform (see platformFromNode). */
  readonly managerPlatform: string;
}

/**
 * `{name}` → the value for the target. Placeholders of unknown variables stay as they are, and
 * values put in are not expanded again. A value that starts with a two-way variable's value for
 * the manager's platform (say, an expanded `{jobs}`) gets that prefix translated to the target's
 * value. Whenever a two-way variable took part, the whole string is a path, and gets the target
 * platform's separators.
 */
export function expandVariables(text: string, target: ExpansionTarget): string {
  return variableExpander(target)(text);
}

/** expandVariables with the lookups done once, for expanding many strings for one target. */
export function variableExpander(target: ExpansionTarget): (text: string) => string {
  const variables = resolveVariables(target.table, target.audience, target.platform);
  const managerValues = twoWayValuesLongestFirst(resolveVariables(target.table, target.audience, target.managerPlatform));
  return (text) => {
    let isPath = false;
    let expanded = text.replace(/\{([^{}]+)\}/g, (placeholder, name: string) => {
      const variable = variables.get(name);
      if (variable === undefined) return placeholder;
      if (variable.isTwoWay) isPath = true;
      return variable.value;
    });

    // A path that came from a two-way placeholder is already the target's; translating it again
    // could double a prefix when one platform's value starts with another's.
    if (!isPath) {
      for (const [name, managerValue] of managerValues) {
        const targetValue = variables.get(name)?.value;
        if (targetValue === undefined || !startsWithPath(expanded, managerValue, false)) continue;
        expanded = targetValue + expanded.slice(managerValue.length);
        if (target.platform === 'windows') expanded = ensureDriveAbsolute(expanded);
        isPath = true;
        break;
      }
    }
    return isPath ? toPlatformPath(expanded, target.platform) : expanded;
  };
}

/**
 * Expands every string inside a command parameter value, however deeply nested in arrays and
 * objects (Flamenco goes one level deep). Object keys and non-string values stay as they are.
 */
export function expandInParameters<T>(value: T, target: ExpansionTarget): T {
  return expandDeep(value, variableExpander(target));
}

function expandDeep<T>(value: T, expand: (text: string) => string): T {
  if (typeof value === 'string') return expand(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => expandDeep(item, expand)) as T;
  if (value !== null && typeof value === 'object') {
    const expanded: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) expanded[key] = expandDeep(item, expand);
    return expanded as T;
  }
  return value;
}

export interface CommandWithParameters {
  readonly parameters: Readonly<Record<string, unknown>>;
}

/** A task's commands as the worker gets them: variables expanded for the worker's platform, audience workers. */
export function expandTaskCommands<C extends CommandWithParameters>(
  commands: readonly C[],
  worker: { readonly platform: string },
  table: VariableTable,
  managerPlatform: string,
): C[] {
  const expand = variableExpander({ table, audience: 'workers', platform: worker.platform, managerPlatform });
  return commands.map((command) => ({ ...command, parameters: expandDeep(command.parameters, expand) }));
}

/**
 * A path that starts with a two-way variable's value on `platform` → `{name}` plus the rest. The
 * comparison ignores case and slash direction (drives and shares are case-insensitive); the
 * longest matching value wins, so `/render/farm` beats `/render`.
 */
export function replaceValueWithVariable(
  text: string,
  table: VariableTable,
  platform: string,
  audience: ConcreteAudience = 'workers',
): string {
  for (const [name, value] of twoWayValuesLongestFirst(resolveVariables(table, audience, platform))) {
    if (startsWithPath(text, value, true)) return `{${name}}${text.slice(value.length)}`;
  }
  return text;
}

export interface SubmittedValues {
  readonly settings?: Readonly<Record<string, unknown>>;
  readonly metadata?: Readonly<Record<string, string>>;
}

/** The submitter platform "manager" means the manager's own. */
export function effectiveSubmitterPlatform(submitterPlatform: string, managerPlatform: string): string {
  return submitterPlatform === 'manager' ? managerPlatform : submitterPlatform;
}

/**
 * Before a submitted job is compiled: every string setting and metadata value gets its two-way
 * variable prefix put back (`/render/out.png` → `{render}/out.png`). Other values, and other
 * fields of the job, stay as they are.
 */
export function replaceSubmittedValuesWithVariables<V extends SubmittedValues>(
  submitted: V,
  table: VariableTable,
  submitterPlatform: string,
  managerPlatform: string,
): V {
  const platform = effectiveSubmitterPlatform(submitterPlatform, managerPlatform);
  const replace = (text: string): string => replaceValueWithVariable(text, table, platform, 'workers');
  const result: { -readonly [K in keyof SubmittedValues]: SubmittedValues[K] } = { ...submitted };
  if (submitted.settings !== undefined) {
    result.settings = Object.fromEntries(
      Object.entries(submitted.settings).map(([key, value]) => [key, typeof value === 'string' ? replace(value) : value]),
    );
  }
  if (submitted.metadata !== undefined) {
    result.metadata = Object.fromEntries(Object.entries(submitted.metadata).map(([key, value]) => [key, replace(value)]));
  }
  return result as V;
}

function twoWayValuesLongestFirst(variables: ReadonlyMap<string, ResolvedVariable>): [string, string][] {
  return [...variables]
    .filter(([, variable]) => variable.isTwoWay && variable.value !== '')
    .map(([name, variable]): [string, string] => [name, variable.value])
    .sort(([nameA, a], [nameB, b]) => b.length - a.length || (nameA < nameB ? -1 : nameA > nameB ? 1 : 0));
}

/**
 * Whether `text` starts with the path `prefix`, slashes either way. The prefix must end at a
 * separator: `/render` is a prefix of `/render/x` but not of `/renders/x` (Flamenco compares
 * plain strings and would turn the latter into `{render}s/x`).
 */
function startsWithPath(text: string, prefix: string, ignoreCase: boolean): boolean {
  const normalize = (value: string): string => (ignoreCase ? toSlashes(value).toLowerCase() : toSlashes(value));
  const head = text.slice(0, prefix.length);
  if (head.length < prefix.length || normalize(head) !== normalize(prefix)) return false;
  const rest = text.slice(prefix.length);
  return rest === '' || rest.startsWith('/') || rest.startsWith('\\') || prefix.endsWith('/') || prefix.endsWith('\\');
}
