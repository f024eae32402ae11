// A compiled job's tasks (dry-run output): name, type, commands with their parameters, and
// which tasks each waits for.

import { createMemo, For, Show, type JSX } from 'solid-js';
import type { Schema } from '../api/client.ts';

const SHOWN = 500;

export function CompiledTaskTable(props: { tasks: Schema<'CompiledTask'>[] }): JSX.Element {
  const names = createMemo(() => new Map(props.tasks.map((task, index) => [task.uuid, `#${index + 1} ${task.name}`])));
  return (
    <div class="table-wrap">
      <table class="tasks" data-testid="compiled-tasks">
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Name</th>
            <th scope="col">Type</th>
            <th scope="col">Commands</th>
            <th scope="col">Waits for</th>
          </tr>
        </thead>
        <tbody>
          <For each={props.tasks.slice(0, SHOWN)}>
            {(task, index) => (
              <tr>
                <td>{index() + 1}</td>
                <td>{task.name}</td>
                <td>{task.type}</td>
                <td>
                  <For each={task.commands}>
                    {(command) => (
                      <div class="command">
                        <code>{command.name}</code> <code class="params">{JSON.stringify(command.parameters)}</code>
                      </div>
                    )}
                  </For>
                </td>
                <td>{task.dependencies.map((id) => names().get(id) ?? id).join(', ')}</td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
      <Show when={props.tasks.length > SHOWN}>
        <p class="muted">The first {SHOWN} of {props.tasks.length} tasks are shown.</p>
      </Show>
    </div>
  );
}
