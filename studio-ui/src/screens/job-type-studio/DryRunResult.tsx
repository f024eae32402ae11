// What a dry-run gave: the compile error (with a way to its line), or the compiled job as a
// task table, a dependency graph and the compile log.

import { createSignal, Match, Show, Switch, type JSX } from 'solid-js';
import { CompiledTaskTable } from '../../components/CompiledTaskTable.tsx';
import { CompileLog } from '../../components/CompileLog.tsx';
import { DependencyGraph } from '../../components/DependencyGraph.tsx';
import { moveBetweenTabs } from '../../components/tab-keys.ts';
import type { CompiledJob, CompileError } from '../../logic/compiled-job.ts';
import { graphOfCompiledTasks } from '../../logic/graph-layout.ts';

type Tab = 'tasks' | 'graph' | 'log';

export interface DryRunResultProps {
  compiled: CompiledJob | undefined;
  error: CompileError | undefined;
  canSaveTest: boolean;
  onSaveTest(): void;
  onGoToLine(line: number): void;
}

export function DryRunResult(props: DryRunResultProps): JSX.Element {
  const [tab, setTab] = createSignal<Tab>('tasks');
  return (
    <div class="dry-run-result" data-testid="dry-run-result">
      <Show when={props.error}>
        {(error) => (
          <div class="error-box" role="alert" data-testid="compile-error">
            <strong>{error().kind === 'settings' ? 'The settings do not fit' : 'The job does not compile'}</strong>
            <p>{error().message}</p>
            <Show when={error().location}>
              {(location) => (
                <button type="button" class="link" onClick={() => props.onGoToLine(location().line)}>
                  Go to line {location().line}
                </button>
              )}
            </Show>
            <Show when={(error().log ?? []).length > 0}>
              <CompileLog log={error().log ?? []} />
            </Show>
          </div>
        )}
      </Show>
      <Show when={props.compiled}>
        {(compiled) => (
          <>
            <div class="row">
              <strong data-testid="task-count">
                {compiled().tasks.length} task{compiled().tasks.length === 1 ? '' : 's'}
              </strong>
              <span class="spacer" />
              <button type="button" disabled={!props.canSaveTest} onClick={() => props.onSaveTest()} title={props.canSaveTest ? 'Keep these settings and this output as a test case' : 'Save the job type first'}>
                Save as test
              </button>
            </div>
            <div class="tabs" role="tablist" onKeyDown={moveBetweenTabs}>
              <button type="button" role="tab" aria-selected={tab() === 'tasks'} onClick={() => setTab('tasks')}>
                Tasks
              </button>
              <button type="button" role="tab" aria-selected={tab() === 'graph'} onClick={() => setTab('graph')}>
                Graph
              </button>
              <button type="button" role="tab" aria-selected={tab() === 'log'} onClick={() => setTab('log')}>
                Log ({compiled().log.length})
              </button>
            </div>
            <Switch>
              <Match when={tab() === 'tasks'}>
                <CompiledTaskTable tasks={compiled().tasks} />
              </Match>
              <Match when={tab() === 'graph'}>
                <DependencyGraph
                  tasks={compiled().tasks.map((task, index) => ({ id: task.uuid, index, name: task.name, type: task.type }))}
                  edges={graphOfCompiledTasks(compiled().tasks).edges}
                />
              </Match>
              <Match when={tab() === 'log'}>
                <CompileLog log={compiled().log} />
              </Match>
            </Switch>
          </>
        )}
      </Show>
    </div>
  );
}
