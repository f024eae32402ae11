import type { CommandContext } from './command.ts';
import { parametersOf } from './parameters.ts';

// `echo`: puts a message in the task log, as Flamenco writes it: echo: "<message>".

export async function echo(context: CommandContext): Promise<void> {
  const message = parametersOf('echo', context.parameters).text('message', 'the message to log');
  context.log(`echo: ${JSON.stringify(message)}`);
}
