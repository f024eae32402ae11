// What the first-run assistant saves: the shared storage folder and how workers start Blender
// (the `{blender}` variable, set alike for linux, windows and darwin as Flamenco does, and
// `{blenderArgs}`).

import type { FileConfig } from '../config/config.ts';
import type { BlenderPathCheckResult } from './blender-check.ts';

export interface SetupAssistantChoice {
  storageLocation: string;
  blenderExecutable: BlenderPathCheckResult;
}

export const SETUP_ASSISTANT_PLATFORMS = ['linux', 'windows', 'darwin'] as const;
export const DEFAULT_BLENDER_ARGS = '-b -y';

/** What is missing from the choice of Blender, or null when it can be saved. */
export function blenderChoiceProblem(blender: BlenderPathCheckResult): string | null {
  if (!blender.is_usable) return 'the chosen Blender is not usable; check another command first (POST /api/v3/configuration/check/blender)';
  switch (blender.source) {
    case 'default':
      return null;
    case 'file_association':
      return blender.path === '' ? '"blenderExecutable.path" must not be empty for a Blender found by file association' : null;
    default:
      return blender.path === '' || blender.input === ''
        ? `"blenderExecutable.path" and "blenderExecutable.input" must not be empty for a Blender from ${blender.source}`
        : null;
  }
}

/**
 * The command workers run: plain `blender` when the operating system finds it (file association,
 * default), the name as typed when it was found on the PATH, the full path otherwise. It is
 * stored as it is: the worker runs `exe` without splitting it, so quotes would become part of it.
 */
export function blenderCommandOf(blender: BlenderPathCheckResult): string {
  switch (blender.source) {
    case 'file_association':
    case 'default':
      return 'blender';
    case 'path_envvar':
      return blender.input.trim();
    default:
      return blender.path;
  }
}

/** The file's settings with the assistant's choice in them; everything else stays. */
export function withSetupAssistantChoice(settings: FileConfig, choice: SetupAssistantChoice): FileConfig {
  const command = blenderCommandOf(choice.blenderExecutable);
  return {
    ...settings,
    shared_storage_path: choice.storageLocation,
    variables: {
      ...settings.variables,
      blender: { values: SETUP_ASSISTANT_PLATFORMS.map((platform) => ({ platform, value: command })) },
      blenderArgs: { values: [{ platform: 'all', value: DEFAULT_BLENDER_ARGS }] },
    },
  };
}
