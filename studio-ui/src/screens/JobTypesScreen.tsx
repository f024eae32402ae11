// The job types a TD works on: built-in and folder scripts (read-only, can be duplicated) and
// the studio's custom types (versioned, tested, editable).

import { createResource, For, onCleanup, Show, type JSX } from 'solid-js';
import { api, messageOf, ok, settled } from '../api/client.ts';
import { onEvent, reconnects } from '../api/event-stream.ts';
import { confirmAction } from '../components/confirm.tsx';
import { notify } from '../components/notices.tsx';
import { Link, navigate } from '../router.tsx';
import { shortTime } from '../logic/format.ts';

export function JobTypesScreen(): JSX.Element {
  const [catalog, { refetch }] = createResource(reconnects, async () => (await ok(api.GET('/api/v3/jobs/types/catalog'))).job_types);
  onCleanup(onEvent('job-type', () => void refetch()));

  async function remove(name: string): Promise<void> {
    if (!(await confirmAction(`Delete the job type "${name}"?`, 'All its versions and test cases are deleted. Jobs already submitted keep their tasks.', 'Delete'))) return;
    try {
      await ok(api.DELETE('/api/v3/jobs/type/{typeName}', { params: { path: { typeName: name } } }));
      notify(`"${name}" deleted.`);
      void refetch();
    } catch (error) {
      notify(messageOf(error), 'error');
    }
  }

  return (
    <section>
      <div class="row">
        <h1>Job types</h1>
        <span class="spacer" />
        <button type="button" class="primary" onClick={() => navigate('/new-job-type')}>
          New job type
        </button>
      </div>
      <Show when={catalog.error}>
        <p class="error" role="alert">The job types could not be loaded: {messageOf(catalog.error)}</p>
      </Show>
      <table class="job-types" data-testid="job-types">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Label</th>
            <th scope="col">Origin</th>
            <th scope="col">Version</th>
            <th scope="col">Last change</th>
            <th scope="col">Tests</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          <For each={settled(catalog)}>
            {(entry) => (
              <tr>
                <td>
                  <Link href={`/job-types/${encodeURIComponent(entry.name)}`}>{entry.name}</Link>
                </td>
                <td>
                  {entry.label ?? ''}
                  <Show when={entry.load_error}>{(error) => <div class="error">Does not load: {error().message}</div>}</Show>
                </td>
                <td>
                  <span class={`origin origin-${entry.origin}`}>{entry.origin}</span>
                  {entry.editable ? '' : ' (read-only)'}
                </td>
                <td>{entry.version ?? '—'}</td>
                <td title={entry.updated}>{shortTime(entry.updated) || '—'}</td>
                <td>{entry.test_count ?? 0}</td>
                <td class="row tight">
                  <button type="button" onClick={() => navigate(`/new-job-type?from=${encodeURIComponent(entry.name)}`)}>
                    Duplicate
                  </button>
                  <Show when={entry.editable}>
                    <button type="button" class="danger" onClick={() => void remove(entry.name)}>
                      Delete…
                    </button>
                  </Show>
                </td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </section>
  );
}
