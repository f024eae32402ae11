// Configuration operations: variables and shared storage as each audience and platform sees
// them, the first-run checks (shared storage, Blender) and the assistant that saves them, and
// reading and replacing the configuration file.

import type { Context } from 'koa';
import { stringify } from 'yaml';
import { fileURLToPath } from 'node:url';
import {
  checkConfigSettings,
  ConfigError,
  fileSettingsOf,
  inspectConfigFile,
  isShamanEnabled,
  updateConfigFile,
  withDefaults,
  writeConfigFile,
} from '../config/config.ts';
import { expandVariables, resolveVariables } from '../domain/variables.ts';
import { badRequest, HttpError } from '../http/http-error.ts';
import type { OperationHandlers } from '../http/operation-types.ts';
import { Reply } from '../http/router.ts';
import { checkBlenderCommand } from '../setup/blender-check.ts';
import { findBlender } from '../setup/blender-finder.ts';
import { blenderChoiceProblem, withSetupAssistantChoice } from '../setup/setup-assistant.ts';
import { checkSharedStoragePath } from '../setup/shared-storage-check.ts';
import type { ManagerServices } from './context.ts';
import { currentVariableTable } from './variables.ts';

/** The folder Tablao is installed in (the repository or package root). */
const INSTALL_DIR = fileURLToPath(new URL('../../../', import.meta.url));

export function configurationHandlers(services: ManagerServices) {
  const { config } = services;

  const variableTable = currentVariableTable(services);

  const checkStorage = (path: string) =>
    checkSharedStoragePath(path, {
      forbidden: [
        { path: config.dataDir, reason: "the manager's data folder, which holds its database and logs" },
        { path: INSTALL_DIR, reason: 'the folder Tablao is installed in' },
      ],
    });

  return {
    getVariables: ({ params }) => {
      const resolved = resolveVariables(variableTable(), params.audience, params.platform);
      return Object.fromEntries([...resolved].map(([name, variable]) => [name, { value: variable.value, is_twoway: variable.isTwoWay }]));
    },

    getSharedStorage: ({ params }) => {
      const { audience, platform } = params;
      const location = config.sharedStoragePath === '' ? '' : expandVariables(config.sharedStoragePath, { table: variableTable(), audience, platform, managerPlatform: services.platform });
      return { location, audience, platform, shamanEnabled: isShamanEnabled(config) };
    },

    checkSharedStoragePath: async ({ body }) => checkStorage(body.path),

    checkBlenderExePath: async ({ body }) => checkBlenderCommand(body.path),

    findBlenderExePath: async () => {
      const configured = resolveVariables(variableTable(), 'workers', services.platform).get('blender')?.value;
      return findBlender(configured === undefined ? {} : { configured });
    },

    saveSetupAssistantConfig: async ({ body: choice }) => {
      const storageLocation = choice.storageLocation.trim();
      const storage = await checkStorage(storageLocation);
      if (!storage.is_usable) throw badRequest(`"storageLocation" cannot be the shared storage: ${storage.cause}`);
      const problem = blenderChoiceProblem(choice.blenderExecutable);
      if (problem !== null) throw badRequest(problem);
      await configFileWork(() => updateConfigFile(config, (settings) => withSetupAssistantChoice(settings, { ...choice, storageLocation })));
      services.log.info({ sharedStoragePath: storageLocation, configFile: config.configFile }, 'setup assistant: configuration saved and applied');
    },

    getConfigurationFile: async (_request, ctx: Context) => {
      const asYaml = ctx.accepts('application/json', 'application/yaml') === 'application/yaml';
      const file = await inspectConfigFile(config.configFile);
      if (file.problem) {
        // Still answer, with the settings in effect: saving them repairs the file.
        services.log.warn({ err: file.problem }, 'the configuration file cannot be used; answering with the running configuration');
      }
      const settings = withDefaults(file.settings ?? fileSettingsOf(config));
      if (asYaml) return new Reply(200, file.text ?? stringify(settings), { 'Content-Type': 'application/yaml; charset=utf-8' });
      return settings;
    },

    updateConfigurationFile: async ({ body }) => {
      try {
        checkConfigSettings(body, 'the configuration');
      } catch (error) {
        if (error instanceof ConfigError) throw badRequest(`${error.message}; nothing was written`);
        throw error;
      }
      await configFileWork(() => writeConfigFile(config.configFile, body));
      services.log.info({ configFile: config.configFile }, 'configuration file replaced; it takes effect when the manager restarts');
    },
  } satisfies OperationHandlers;
}

/** Writing the file can fail for reasons of the manager's machine (permissions, a full disk). */
async function configFileWork(work: () => Promise<unknown>): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (error instanceof ConfigError) throw new HttpError(503, `${error.message}; the old file is unchanged`);
    throw error;
  }
}
