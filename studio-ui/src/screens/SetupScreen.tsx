// The setup assistant: the shared storage folder and Blender's location, each checked live by
// the manager, then saved. On a fresh install it is the first thing to do; later the same page
// changes the settings.

import { createResource, createSignal, For, Show, type JSX } from 'solid-js';
import { api, messageOf, ok, type Schema, settled } from '../api/client.ts';
import { notify } from '../components/notices.tsx';
import { navigate } from '../router.tsx';
import { PLATFORMS, platformValues, withPlatformValues, type FileVariable, type Platform } from '../logic/platform-values.ts';

type BlenderCheck = Schema<'BlenderPathCheckResult'>;

export function SetupScreen(): JSX.Element {
  const [configuration, { refetch }] = createResource(() => ok(api.GET('/api/v3/configuration')));
  const [storage, setStorage] = createSignal<string>();
  const [storageCheck, setStorageCheck] = createSignal<Schema<'PathCheckResult'>>();
  const [found] = createResource(() => ok(api.GET('/api/v3/configuration/check/blender')));
  const [blender, setBlender] = createSignal<BlenderCheck>();
  const [blenderInput, setBlenderInput] = createSignal('');
  const [saving, setSaving] = createSignal(false);
  let checkTimer: ReturnType<typeof setTimeout> | undefined;

  const storagePath = () => storage() ?? settled(configuration)?.storageLocation ?? '';

  function checkStorageSoon(path: string): void {
    setStorage(path);
    clearTimeout(checkTimer);
    checkTimer = setTimeout(async () => {
      try {
        setStorageCheck(await ok(api.POST('/api/v3/configuration/check/shared-storage', { body: { path } })));
      } catch (error) {
        setStorageCheck({ path, is_usable: false, cause: messageOf(error) });
      }
    }, 300);
  }

  async function checkBlender(path: string): Promise<void> {
    try {
      setBlender(await ok(api.POST('/api/v3/configuration/check/blender', { body: { path } })));
    } catch (error) {
      notify(messageOf(error), 'error');
    }
  }

  async function save(): Promise<void> {
    const chosen = blender();
    if (!chosen?.is_usable) return notify('Choose a Blender the manager could run first.', 'error');
    setSaving(true);
    try {
      await ok(api.POST('/api/v3/configuration/setup-assistant', { body: { storageLocation: storagePath(), blenderExecutable: chosen } }));
      notify('Settings saved; the farm uses them now.');
      await refetch();
      navigate('/jobs');
    } catch (error) {
      notify(`Not saved: ${messageOf(error)}`, 'error');
    } finally {
      setSaving(false);
    }
  }

  return (
    <section class="setup">
      <h1>Set up the farm</h1>
      <Show when={settled(configuration)?.isFirstRun}>
        <p class="callout">This farm is new. Two things make it work: a folder every machine can reach, and Blender.</p>
      </Show>
      <h2>1. Shared storage</h2>
      <p>A folder that the manager and every worker can read and write, where jobs keep their files. On other platforms, two-way variables map it to their own path.</p>
      <label>
        Folder <input type="text" size="50" value={storagePath()} onInput={(e) => checkStorageSoon(e.currentTarget.value)} data-testid="storage-input" />
      </label>
      <Show when={storageCheck()}>
        {(check) => (
          <p class={check().is_usable ? 'good' : 'error'} role="status">
            {check().is_usable ? '✓ ' : '✗ '}
            {check().cause}
          </p>
        )}
      </Show>
      <h2>2. Blender</h2>
      <p>How the manager's machine starts Blender; it becomes the <code>{'{blender}'}</code> variable for Linux, Windows and macOS workers, which can change it for their platform.</p>
      <Show when={settled(found)} fallback={<p class="muted">{found.error ? messageOf(found.error) : 'Looking for Blender…'}</p>}>
        <For each={settled(found)}>
          {(candidate) => (
            <label class="choice">
              <input type="radio" name="blender" disabled={!candidate.is_usable} checked={blender()?.path === candidate.path} onChange={() => setBlender(candidate)} />
              <code>{candidate.path}</code> <span class="muted">({candidate.source.replaceAll('_', ' ')}: {candidate.cause})</span>
            </label>
          )}
        </For>
      </Show>
      <label>
        Or another command{' '}
        <input type="text" size="40" value={blenderInput()} onInput={(e) => setBlenderInput(e.currentTarget.value)} placeholder="/opt/blender/blender" />
      </label>{' '}
      <button type="button" disabled={!blenderInput().trim()} onClick={() => void checkBlender(blenderInput().trim())}>
        Check
      </button>
      <Show when={blender()}>
        {(b) => (
          <p class={b().is_usable ? 'good' : 'error'} role="status">
            {b().is_usable ? '✓ ' : '✗ '}
            {b().path}: {b().cause}
          </p>
        )}
      </Show>
      <h2>3. Save</h2>
      <button type="button" class="primary" disabled={saving() || !blender()?.is_usable || !storagePath()} onClick={() => void save()}>
        Save and use these settings
      </button>
      <Show when={!settled(configuration)?.isFirstRun}>
        <BlenderPerPlatform />
      </Show>
    </section>
  );
}

/** Blender as workers of each platform start it: the `blender` variable in the configuration file. */
function BlenderPerPlatform(): JSX.Element {
  // Asked for as JSON (the operation can also answer the file's YAML text).
  const [file, { refetch }] = createResource(async () => (await ok(api.GET('/api/v3/configuration/file'))) as Record<string, unknown>);
  const [edits, setEdits] = createSignal<Partial<Record<Platform, string>>>({});
  const current = () => platformValues((settled(file)?.variables as Record<string, FileVariable> | undefined)?.blender);
  const valueFor = (platform: Platform) => edits()[platform] ?? current()[platform];

  async function save(): Promise<void> {
    const whole = settled(file);
    if (!whole) return;
    const variables = { ...((whole.variables as Record<string, FileVariable> | undefined) ?? {}) };
    variables.blender = withPlatformValues(variables.blender, Object.fromEntries(PLATFORMS.map((p) => [p, valueFor(p)])));
    try {
      await ok(api.PUT('/api/v3/configuration/file', { body: { ...whole, variables } }));
      notify('Saved in the configuration file; the manager uses it from its next start.');
      setEdits({});
      void refetch();
    } catch (error) {
      notify(`Not saved: ${messageOf(error)}`, 'error');
    }
  }

  return (
    <>
      <h2>Blender on each platform</h2>
      <p>Where workers on each operating system find Blender, when it is not the same everywhere.</p>
      <Show when={settled(file)} fallback={<p class="muted">{file.error ? messageOf(file.error) : 'Loading the configuration…'}</p>}>
        <For each={PLATFORMS}>
          {(platform) => (
            <label>
              {PLATFORM_NAMES[platform]}{' '}
              <input type="text" size="50" value={valueFor(platform)} onInput={(e) => setEdits({ ...edits(), [platform]: e.currentTarget.value })} data-testid={`blender-${platform}`} />
            </label>
          )}
        </For>
        <button type="button" disabled={Object.keys(edits()).length === 0} onClick={() => void save()}>
          Save for the next start
        </button>
      </Show>
    </>
  );
}

const PLATFORM_NAMES: Record<Platform, string> = { linux: 'Linux', windows: 'Windows', darwin: 'macOS' };
