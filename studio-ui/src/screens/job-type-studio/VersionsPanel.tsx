// The version history of a custom job type: every saved version, a diff of any of them against
// the editor, and rollback (saved as a new version, so history is never rewritten).

import { createResource, createSignal, For, Show, type JSX } from 'solid-js';
import { api, messageOf, ok, settled, type Schema } from '../../api/client.ts';
import { confirmAction } from '../../components/confirm.tsx';
import { DiffView } from '../../components/DiffView.tsx';
import { notify } from '../../components/notices.tsx';
import { shortTime } from '../../logic/format.ts';

export interface VersionsPanelProps {
  typeName: string;
  currentVersion: number | undefined;
  editorSource: string;
  dirty: boolean;
  /** Runs a write of this page, so that its job-type event is not taken for someone else's. */
  trackWrite<T>(write: Promise<T>): Promise<T>;
  onRolledBack(saved: Schema<'JobTypeSource'>): void;
}

export function VersionsPanel(props: VersionsPanelProps): JSX.Element {
  const [versions, { refetch }] = createResource(
    () => props.typeName,
    async (typeName) => (await ok(api.GET('/api/v3/jobs/type/{typeName}/versions', { params: { path: { typeName }, query: { limit: 200 } } }))).versions,
  );
  const [compared, setCompared] = createSignal<{ version: number; source: string }>();

  async function compare(version: number): Promise<void> {
    try {
      const found = await ok(api.GET('/api/v3/jobs/type/{typeName}/versions/{version}', { params: { path: { typeName: props.typeName, version } } }));
      setCompared({ version, source: found.source });
    } catch (error) {
      notify(messageOf(error), 'error');
    }
  }

  async function rollback(version: number): Promise<void> {
    const lost = props.dirty ? ' Your unsaved edits are replaced.' : '';
    if (!(await confirmAction(`Roll back to version ${version}?`, `Its script becomes the current version (saved as a new version; history is kept).${lost}`, 'Roll back', props.dirty))) return;
    try {
      const saved = await props.trackWrite(
        ok(api.POST('/api/v3/jobs/type/{typeName}/rollback', { params: { path: { typeName: props.typeName } }, body: { version, ...(props.currentVersion ? { expected_version: props.currentVersion } : {}) } })),
      );
      props.onRolledBack(saved);
      setCompared(undefined);
      notify(`Version ${version} is current again, as version ${saved.version}.`);
      void refetch();
    } catch (error) {
      notify(messageOf(error), 'error');
    }
  }

  return (
    <>
      <Show when={settled(versions)} fallback={<p class="muted">{versions.error ? messageOf(versions.error) : 'Loading…'}</p>}>
        <table class="versions">
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">Saved</th>
              <th scope="col">Note</th>
              <th scope="col" />
            </tr>
          </thead>
          <tbody>
            <For each={settled(versions)}>
              {(entry) => (
                <tr>
                  <td>
                    {entry.version}
                    {entry.version === props.currentVersion ? ' (current)' : ''}
                  </td>
                  <td>{shortTime(entry.created)}</td>
                  <td>
                    {entry.message ?? ''}
                    {entry.rolled_back_from ? ` (rollback to ${entry.rolled_back_from})` : ''}
                  </td>
                  <td class="row tight">
                    <button type="button" onClick={() => void compare(entry.version)}>
                      Compare
                    </button>
                    <Show when={entry.version !== props.currentVersion}>
                      <button type="button" onClick={() => void rollback(entry.version)}>
                        Roll back…
                      </button>
                    </Show>
                  </td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </Show>
      <Show when={compared()}>
        {(c) => (
          <DiffView
            before={c().source}
            after={props.editorSource}
            beforeLabel={`version ${c().version}`}
            afterLabel={props.dirty ? 'the editor (unsaved)' : `version ${props.currentVersion} (current)`}
          />
        )}
      </Show>
    </>
  );
}
