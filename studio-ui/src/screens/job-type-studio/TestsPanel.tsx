// A custom job type's test cases: run them all (against the unsaved script when there are
// edits), see which changed and how, accept a new output, load a test's settings, delete one.

import { createResource, createSignal, For, Show, type JSX } from 'solid-js';
import { api, messageOf, ok, settled, type Schema } from '../../api/client.ts';
import { confirmAction } from '../../components/confirm.tsx';
import { DiffView } from '../../components/DiffView.tsx';
import { notify } from '../../components/notices.tsx';
import { outcomeText } from '../../logic/compiled-job.ts';

type TestResult = Schema<'JobTypeTestResult'>;

export interface TestsPanelProps {
  typeName: string;
  /** The script in the editor now. */
  editorSource(): string;
  dirty: boolean;
  onLoadTest(test: Schema<'JobTypeTest'>): void;
}

export function TestsPanel(props: TestsPanelProps): JSX.Element {
  const [tests, { refetch }] = createResource(
    () => props.typeName,
    async (typeName) => (await ok(api.GET('/api/v3/jobs/type/{typeName}/tests', { params: { path: { typeName } } }))).tests,
  );
  const [run, setRun] = createSignal<Schema<'JobTypeTestRunResult'>>();
  const [diff, setDiff] = createSignal<{ name: string; before: string; after: string }>();

  const fetchTest = (id: string) => ok(api.GET('/api/v3/jobs/type/{typeName}/tests/{test_id}', { params: { path: { typeName: props.typeName, test_id: id } } }));

  async function runAll(): Promise<void> {
    setDiff(undefined);
    try {
      const body = props.dirty ? { source: props.editorSource() } : {};
      setRun(await ok(api.POST('/api/v3/jobs/type/{typeName}/tests/run', { params: { path: { typeName: props.typeName } }, body })));
    } catch (error) {
      notify(`The tests did not run: ${messageOf(error)}`, 'error');
    }
  }

  async function showDiff(outcome: TestResult): Promise<void> {
    try {
      const test = await fetchTest(outcome.test_id);
      setDiff({ name: outcome.name, before: outcomeText(test.expected_output, test.expected_error), after: outcomeText(outcome.actual_output, outcome.actual_error) });
    } catch (error) {
      notify(messageOf(error), 'error');
    }
  }

  async function acceptNewOutput(outcome: TestResult): Promise<void> {
    try {
      const test = await fetchTest(outcome.test_id);
      const expected = outcome.actual_output ? { expected_output: outcome.actual_output } : { expected_error: outcome.actual_error! };
      await ok(
        api.PUT('/api/v3/jobs/type/{typeName}/tests/{test_id}', {
          params: { path: { typeName: props.typeName, test_id: outcome.test_id } },
          body: { name: test.name, job: test.job, ...(test.now ? { now: test.now } : {}), ...expected },
        }),
      );
      notify(`"${outcome.name}" now expects the new output.`);
      void runAll();
    } catch (error) {
      notify(messageOf(error), 'error');
    }
  }

  async function load(id: string): Promise<void> {
    try {
      props.onLoadTest(await fetchTest(id));
    } catch (error) {
      notify(messageOf(error), 'error');
    }
  }

  async function remove(id: string, name: string): Promise<void> {
    if (!(await confirmAction(`Delete the test "${name}"?`, 'Its settings and expected output are lost.', 'Delete'))) return;
    try {
      await ok(api.DELETE('/api/v3/jobs/type/{typeName}/tests/{test_id}', { params: { path: { typeName: props.typeName, test_id: id } } }));
      void refetch();
    } catch (error) {
      notify(messageOf(error), 'error');
    }
  }

  return (
    <>
      <div class="row">
        <button type="button" class="primary" onClick={() => void runAll()} disabled={(settled(tests) ?? []).length === 0}>
          Run all tests{props.dirty ? ' on the unsaved script' : ''}
        </button>
        <span class="muted">Save a dry-run as a test from the Dry run tab.</span>
      </div>
      <Show when={run()}>
        {(r) => (
          <p data-testid="test-summary">
            {r().passed} passed, {r().changed} changed ({r().source === 'unsaved' ? 'unsaved script' : `version ${r().version ?? ''}`})
          </p>
        )}
      </Show>
      <Show when={settled(tests)} fallback={<p class="muted">{tests.error ? messageOf(tests.error) : 'Loading…'}</p>}>
        <Show when={(settled(tests) ?? []).length > 0} fallback={<p class="empty">No test cases yet. Run a dry-run, then “Save as test”.</p>}>
          <table class="tests">
            <tbody>
              <For each={settled(tests)}>
                {(test) => {
                  const outcome = () => run()?.results.find((r) => r.test_id === test.id);
                  return (
                    <tr>
                      <td>{test.name}</td>
                      <td>
                        <Show when={outcome()} fallback={<span class="muted">not run</span>}>
                          {(o) => <span class={o().outcome === 'passed' ? 'good' : 'error'}>{o().outcome}</span>}
                        </Show>
                      </td>
                      <td class="row tight">
                        <button type="button" onClick={() => void load(test.id)}>
                          Load settings
                        </button>
                        <Show when={outcome()?.outcome === 'changed' && outcome()}>
                          {(o) => (
                            <>
                              <button type="button" onClick={() => void showDiff(o())}>
                                Diff
                              </button>
                              <button type="button" onClick={() => void acceptNewOutput(o())}>
                                Accept new output
                              </button>
                            </>
                          )}
                        </Show>
                        <button type="button" class="danger" onClick={() => void remove(test.id, test.name)}>
                          Delete…
                        </button>
                      </td>
                    </tr>
                  );
                }}
              </For>
            </tbody>
          </table>
        </Show>
      </Show>
      <Show when={diff()}>
        {(d) => (
          <>
            <h3>{d().name}</h3>
            <DiffView before={d().before} after={d().after} beforeLabel="expected" afterLabel="now" />
          </>
        )}
      </Show>
    </>
  );
}
