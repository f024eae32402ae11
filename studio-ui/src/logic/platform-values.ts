// One variable's value per platform, as the configuration file keeps it (Flamenco's form:
// `values: [{platform, value}, …]`, where an entry may also name `platforms` or `audience`).
// The setup page edits the plain per-platform entries and leaves every other entry as it is.

export interface VariableValue {
  platform?: string;
  platforms?: string[];
  audience?: string;
  value: string;
}

export interface FileVariable {
  is_twoway?: boolean;
  values: VariableValue[];
}

export const PLATFORMS = ['linux', 'windows', 'darwin'] as const;
export type Platform = (typeof PLATFORMS)[number];

const plain = (entry: VariableValue, platform: string) => entry.platform === platform && !entry.platforms && (entry.audience ?? 'all') !== 'users' && (entry.audience ?? '') !== 'workers';

/** The value each platform has in a plain entry of its own ('' when there is none). */
export function platformValues(variable: FileVariable | undefined): Record<Platform, string> {
  const result = { linux: '', windows: '', darwin: '' };
  for (const platform of PLATFORMS) {
    const entry = variable?.values.find((value) => plain(value, platform));
    if (entry) result[platform] = entry.value;
  }
  return result;
}

/** The variable with those platforms' plain entries set (an empty value removes the entry). */
export function withPlatformValues(variable: FileVariable | undefined, values: Partial<Record<Platform, string>>): FileVariable {
  const kept = (variable?.values ?? []).filter((entry) => !PLATFORMS.some((platform) => platform in values && plain(entry, platform)));
  const added = PLATFORMS.filter((platform) => (values[platform] ?? '').trim() !== '').map((platform) => ({ platform, value: values[platform]!.trim() }));
  return { ...(variable?.is_twoway ? { is_twoway: true } : {}), values: [...added, ...kept] };
}
