// The job-type studio: the script in Monaco on the left; on the right a dry-run (a form made
// from JOB_TYPE.settings, Run with Ctrl+Enter, the compiled tasks as a table and a graph, the
// compile log), the version history with diffs and rollback, and the saved test cases.
// Unsaved edits can be dry-run and tested; Ctrl+S saves a new version.

import { createEffect, createMemo, createResource, createSignal, For, Match, on, onCleanup, onMount, Show, Switch, type JSX } from 'solid-js';
import { api, ApiError, messageOf, ok, type Schema, settled } from '../api/client.ts';
import { onEvent } from '../api/event-stream.ts';
import { notify } from '../components/notices.tsx';
import { SettingInput } from '../components/SettingInput.tsx';
import { moveBetweenTabs } from '../components/tab-keys.ts';
import type { JobTypeEditor } from '../editor/monaco.ts';
import { NEW_JOB_TYPE_TEMPLATE } from '../editor/new-job-type-template.ts';
import { readJobType, type JobTypeDescription } from '../editor/read-job-type.ts';
import { submitterPlatform, type CompiledJob, type CompileError } from '../logic/compiled-job.ts';
import { markerOf } from '../logic/compile-markers.ts';
import { splitLines } from '../logic/line-diff.ts';
import { formFields, initialValues, settingsFromForm, valuesFromSettings, type FormValues, type SettingProblem } from '../logic/settings-form.ts';
import { DryRunResult } from './job-type-studio/DryRunResult.tsx';
import { TestsPanel } from './job-type-studio/TestsPanel.tsx';
import { VersionsPanel } from './job-type-studio/VersionsPanel.tsx';
import { guardLeaving, Link, navigate } from '../router.tsx';
import { isDark, theme } from '../theme.ts';

type SubmittedJob = Schema<'SubmittedJob'>;
type Panel = 'dry-run' | 'versions' | 'tests';

interface DryRunResult {
  job: SubmittedJob;
  now: string;
  /** The script the result came from, to tell when it is out of date. */
  source: string;
  compiled?: CompiledJob;
  error?: CompileError;
}

interface Loaded {
  source: string;
  origin: Schema<'JobTypeOrigin'> | 'new';
  editable: boolean;
  version?: number;
}

const NAME_PATTERN = /^[A-Za-z0-9-]{1,64}$/;

export default function JobTypeStudio(props: { name?: string; from?: string }): JSX.Element {
  // The type's name: fixed once it exists; typed in for a new one.
  const [name, setName] = createSignal(props.name ?? (props.from ? `${props.from}-copy` : ''));
  const [exists, setExists] = createSignal(props.name !== undefined);
  const [loaded] = createResource<Loaded, string>(
    () => props.name ?? `new:${props.from ?? ''}`,
    async () => {
      if (props.name !== undefined) {
        const found = await ok(api.GET('/api/v3/jobs/type/{typeName}/source', { params: { path: { typeName: props.name } } }));
        return { source: found.source, origin: found.origin, editable: found.editable, ...(found.version ? { version: found.version } : {}) };
      }
      if (props.from) {
        const base = await ok(api.GET('/api/v3/jobs/type/{typeName}/source', { params: { path: { typeName: props.from } } }));
        return { source: base.source, origin: 'new', editable: true };
      }
      return { source: NEW_JOB_TYPE_TEMPLATE, origin: 'new', editable: true };
    },
  );
  const [source, setSource] = createSignal('');
  const [savedSource, setSavedSource] = createSignal<string | undefined>();
  const [version, setVersion] = createSignal<number>();
  const [editable, setEditable] = createSignal(true);
  const [origin, setOrigin] = createSignal<Loaded['origin']>('new');
  const dirty = createMemo(() => savedSource() === undefined || source() !== savedSource());
  const [panel, setPanel] = createSignal<Panel>('dry-run');
  const [editorState, setEditorState] = createSignal<'loading' | 'ready' | string>('loading');
  const [saveMessage, setSaveMessage] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  /** Saves and rollbacks of this page in flight: their job-type events are not someone else's. */
  let ownWrites = 0;
  let editor: JobTypeEditor | undefined;
  let editorHost: HTMLDivElement | undefined;

  createEffect(
    on(() => settled(loaded), (value) => {
      if (!value) return;
      setSource(value.source);
      setSavedSource(value.origin === 'new' ? undefined : value.source);
      setVersion(value.version);
      setEditable(value.editable);
      setOrigin(value.origin);
      editor?.setValue(value.source);
      editor?.setReadOnly(!value.editable);
    }),
  );

  onMount(async () => {
    try {
      const { createJobTypeEditor } = await import('../editor/monaco.ts');
      if (!editorHost) return;
      editor = createJobTypeEditor(editorHost, {
        value: source(),
        fileName: `${name() || 'new-job-type'}.js`,
        readOnly: !editable(),
        dark: isDark(),
        onChange: (value) => setSource(value),
        onRun: () => void runDryRun(),
        onSave: () => void save(),
      });
      setEditorState('ready');
    } catch (error) {
      setEditorState(`The editor could not be loaded (${messageOf(error)}). Reload the page; if that does not help, rebuild the studio with \`npm run build:studio\`.`);
    }
  });
  createEffect(on(theme, () => editor?.setDark(isDark()), { defer: true }));
  onCleanup(() => editor?.dispose());

  // Ctrl+Enter and Ctrl+S outside the editor too (inside it, Monaco's own commands take them).
  const onKey = (event: KeyboardEvent) => {
    if (event.defaultPrevented || !(event.ctrlKey || event.metaKey)) return;
    if (event.key === 'Enter') {
      event.preventDefault();
      void runDryRun();
    } else if (event.key === 's' || event.key === 'S') {
      event.preventDefault();
      void save();
    }
  };
  window.addEventListener('keydown', onKey);
  onCleanup(() => window.removeEventListener('keydown', onKey));
  // Leaving the page (reload, close) with unsaved edits asks first.
  const onLeave = (event: BeforeUnloadEvent) => {
    if (editable() && dirty() && source() !== '') event.preventDefault();
  };
  window.addEventListener('beforeunload', onLeave);
  onCleanup(() => window.removeEventListener('beforeunload', onLeave));
  onCleanup(guardLeaving(() => (editable() && dirty() && source() !== '' ? `"${name() || 'This job type'}" has unsaved changes. Leave without saving them?` : undefined)));

  // JOB_TYPE of the script as it is now (unsaved edits included), for the form.
  const [readSource, setReadSource] = createSignal('');
  let readTimer: ReturnType<typeof setTimeout> | undefined;
  createEffect(() => {
    const text = source();
    clearTimeout(readTimer);
    readTimer = setTimeout(() => setReadSource(text), readSource() === '' ? 0 : 400);
  });
  onCleanup(() => clearTimeout(readTimer));
  const [description] = createResource(readSource, async (text): Promise<JobTypeDescription | { error: string }> => {
    try {
      return await readJobType(text);
    } catch (error) {
      return { error: messageOf(error) };
    }
  });
  const [lastGood, setLastGood] = createSignal<JobTypeDescription>();
  createEffect(() => {
    const value = description();
    if (value && !('error' in value)) setLastGood(value);
  });
  const fields = createMemo(() => formFields(lastGood()?.settings));
  const [values, setValues] = createSignal<FormValues>({});
  createEffect(
    on(fields, (list, previous) => {
      // Keep what was typed into settings that are still there.
      const kept = values();
      const fresh = initialValues(list);
      const before = new Set((previous ?? []).map((f) => f.key));
      for (const field of list) if (before.has(field.key) && kept[field.key] !== undefined) fresh[field.key] = kept[field.key];
      setValues(fresh);
    }),
  );
  const [formProblems, setFormProblems] = createSignal<SettingProblem[]>([]);
  const [jobName, setJobName] = createSignal('Studio dry-run');
  const [priority, setPriority] = createSignal(50);
  const [workerTag, setWorkerTag] = createSignal('');
  const [startPaused, setStartPaused] = createSignal(false);
  const [workerTags] = createResource(async () => (await ok(api.GET('/api/v3/worker-mgt/tags'))).tags);

  // Dry-run.
  const [result, setResult] = createSignal<DryRunResult>();
  const typeForRun = () => name() || 'new-job-type';

  function currentJob(): SubmittedJob | undefined {
    const { settings, problems } = settingsFromForm(fields(), values());
    setFormProblems(problems);
    if (problems.length > 0) return undefined;
    return {
      name: jobName().trim() || 'Studio job',
      type: typeForRun(),
      priority: priority(),
      submitter_platform: submitterPlatform(navigator.platform),
      settings: settings as SubmittedJob['settings'],
      ...(workerTag() ? { worker_tag: workerTag() } : {}),
    };
  }

  async function runDryRun(): Promise<void> {
    const job = currentJob();
    if (!job) {
      setPanel('dry-run');
      notify('Some settings are not valid; they are marked in the form.', 'error');
      return;
    }
    const text = editor?.getValue() ?? source();
    // The form follows the script a moment after typing stops; a run reads JOB_TYPE again at once.
    if (readSource() !== text) {
      clearTimeout(readTimer);
      setReadSource(text);
    }
    const now = new Date().toISOString();
    setBusy(true);
    try {
      const sendSource = dirty() || !exists();
      const response = await api.POST('/api/v3/jobs/dry-run', { body: { job, now, ...(sendSource ? { source: text } : {}) } });
      const status = response.response.status;
      if (response.data) {
        setResult({ job, now, source: text, compiled: response.data });
        editor?.showCompileError(undefined);
      } else {
        const error = ((response.error as CompileError | undefined) ?? { code: status, kind: 'script', message: `the manager answered ${status}` }) as CompileError;
        setResult({ job, now, source: text, error });
        const marker = error.kind === 'settings' ? undefined : markerOf(error, splitLines(text).length);
        editor?.showCompileError(marker);
        setFormProblems(error.problems ?? []);
      }
    } catch (error) {
      notify(`The dry-run did not reach the manager: ${messageOf(error)}`, 'error');
    } finally {
      setBusy(false);
    }
  }

  async function save(): Promise<void> {
    if (!editable()) return notify('Built-in and folder job types are read-only: duplicate this one to change it.', 'error');
    const text = editor?.getValue() ?? source();
    const message = saveMessage().trim();
    setBusy(true);
    ownWrites++;
    try {
      let saved: Schema<'JobTypeSource'>;
      if (!exists()) {
        if (!NAME_PATTERN.test(name())) {
          notify('Give the job type a name of letters, digits and dashes (at most 64), e.g. "my-render".', 'error');
          return;
        }
        saved = await ok(api.POST('/api/v3/jobs/types', { body: { name: name(), source: text, ...(message ? { message } : {}) } }));
        setExists(true);
        // The address now names the type; the editor stays as it is.
        window.history.replaceState(null, '', `/job-types/${encodeURIComponent(name())}`);
      } else {
        saved = await ok(
          api.PUT('/api/v3/jobs/type/{typeName}/source', {
            params: { path: { typeName: name() } },
            body: { source: text, ...(version() ? { expected_version: version() } : {}), ...(message ? { message } : {}) },
          }),
        );
      }
      setSavedSource(saved.source);
      setVersion(saved.version);
      setOrigin(saved.origin);
      setSaveMessage('');
      editor?.showCompileError(undefined);
      notify(`Saved "${name()}" as version ${saved.version ?? 1}.`);
    } catch (error) {
      if (error instanceof ApiError && error.status === 422 && error.body && typeof error.body === 'object') {
        editor?.showCompileError(markerOf(error.body as CompileError, splitLines(text).length));
      }
      notify(`Not saved: ${messageOf(error)}`, 'error');
    } finally {
      setBusy(false);
      ownWrites--;
    }
  }

  async function submitJob(): Promise<void> {
    const job = currentJob();
    if (!job) return notify('Some settings are not valid; they are marked in the form.', 'error');
    try {
      const stored = await ok(api.POST('/api/v3/jobs', { body: { ...job, ...(startPaused() ? { initial_status: 'paused' as const } : {}) } }));
      notify(`Submitted "${stored.name}".`);
      navigate(`/jobs/${stored.id}`);
    } catch (error) {
      notify(`The job was refused: ${messageOf(error)}`, 'error');
    }
  }

  // Test cases: a dry-run kept as one; a test's settings back in the form.
  async function saveTest(): Promise<void> {
    const current = result();
    if (!current) return notify('Run a dry-run first: a test keeps its settings and its output.', 'error');
    if (current.source !== (editor?.getValue() ?? source())) return notify('The script changed since this dry-run: run it again, then save the test.', 'error');
    const testName = window.prompt('Name of the test case:', `${current.job.name} ${new Date().toLocaleTimeString()}`);
    if (!testName?.trim()) return;
    try {
      await ok(
        api.POST('/api/v3/jobs/type/{typeName}/tests', {
          params: { path: { typeName: name() } },
          body: { name: testName.trim(), job: current.job, now: current.now, ...(current.compiled ? { expected_output: current.compiled } : { expected_error: current.error! }) },
        }),
      );
      notify(`Test "${testName.trim()}" saved.`);
      setPanel('tests');
    } catch (error) {
      notify(messageOf(error), 'error');
    }
  }

  function loadTestIntoForm(test: Schema<'JobTypeTest'>): void {
    setValues(valuesFromSettings(fields(), test.job.settings as Record<string, unknown> | undefined));
    setJobName(test.job.name);
    setPanel('dry-run');
  }

  async function trackWrite<T>(write: Promise<T>): Promise<T> {
    ownWrites++;
    try {
      return await write;
    } finally {
      ownWrites--;
    }
  }

  // Someone else saved or deleted this type.
  onCleanup(
    onEvent('job-type', (event) => {
      if (event.name !== name() || !exists() || ownWrites > 0) return;
      if (event.change === 'deleted') notify(`"${name()}" was deleted by someone else. Save to create it again.`, 'error');
      else if (event.version !== undefined && event.version > (version() ?? 0)) notify(`Someone saved version ${event.version} of "${name()}". Saving now will be refused; reload to see their version.`, 'error');
    }),
  );

  const readProblem = createMemo(() => {
    const value = description();
    return value && 'error' in value ? value.error : undefined;
  });

  return (
    <section class="studio">
      <div class="studio-head row">
        <Link href="/job-types">← Job types</Link>
        <Show when={exists()} fallback={
          <label>
            Name{' '}
            <input type="text" value={name()} onInput={(e) => setName(e.currentTarget.value)} placeholder="my-render" pattern="[A-Za-z0-9-]{1,64}" required data-testid="type-name" aria-describedby="name-help" />
            <span id="name-help" class="muted"> letters, digits, dashes</span>
          </label>
        }>
          <h1 data-testid="studio-title">{name()}</h1>
        </Show>
        <span class={`origin origin-${origin()}`}>{origin() === 'new' ? 'not saved yet' : origin()}</span>
        <Show when={version()}>
          <span class="muted" data-testid="type-version">version {version()}</span>
        </Show>
        <Show when={dirty() && editable()}>
          <span class="unsaved">● unsaved changes</span>
        </Show>
        <span class="spacer" />
        <Show when={editable()} fallback={
          <>
            <span class="muted">Read-only</span>
            <button type="button" onClick={() => navigate(`/new-job-type?from=${encodeURIComponent(name())}`)}>Duplicate to edit</button>
          </>
        }>
          <input type="text" value={saveMessage()} onInput={(e) => setSaveMessage(e.currentTarget.value)} placeholder="What changed (optional)" aria-label="What changed" size="24" />
          <button type="button" class="primary" disabled={busy() || (!dirty() && exists())} onClick={() => void save()} title="Ctrl+S" data-testid="save">
            Save
          </button>
        </Show>
      </div>
      <Show when={loaded.error}>
        <p class="error" role="alert">This job type could not be loaded: {messageOf(loaded.error)}</p>
      </Show>
      <div class="studio-body">
        <div class="editor-pane">
          <Show when={editorState() !== 'ready'}>
            <p class={editorState() === 'loading' ? 'muted' : 'error'}>{editorState() === 'loading' ? 'Loading the editor…' : editorState()}</p>
          </Show>
          <div class="editor-host" ref={(element) => (editorHost = element)} data-testid="editor" />
        </div>
        <div class="side-pane">
          <div class="tabs" role="tablist" onKeyDown={moveBetweenTabs}>
            <button type="button" role="tab" aria-selected={panel() === 'dry-run'} onClick={() => setPanel('dry-run')}>Dry run</button>
            <button type="button" role="tab" aria-selected={panel() === 'versions'} disabled={origin() !== 'custom'} onClick={() => setPanel('versions')} title={origin() === 'custom' ? '' : 'Only custom job types have versions'}>
              Versions
            </button>
            <button type="button" role="tab" aria-selected={panel() === 'tests'} disabled={origin() !== 'custom'} onClick={() => setPanel('tests')} title={origin() === 'custom' ? '' : 'Test cases are kept for custom job types'}>
              Tests
            </button>
          </div>
          <Switch>
            <Match when={panel() === 'dry-run'}>
              <form
                class="settings-form"
                noValidate
                onSubmit={(e) => {
                  e.preventDefault();
                  void runDryRun();
                }}
              >
                <Show when={readProblem()}>
                  <p class="warning">JOB_TYPE could not be read ({readProblem()}); the form shows the settings it last had.</p>
                </Show>
                <label class="field">
                  <span>Job name</span>
                  <input type="text" value={jobName()} onInput={(e) => setJobName(e.currentTarget.value)} />
                </label>
                <label class="field">
                  <span>Priority</span>
                  <input type="number" min="0" max="100" value={priority()} onInput={(e) => setPriority(Number(e.currentTarget.value) || 0)} />
                </label>
                <Show when={(settled(workerTags) ?? []).length > 0}>
                  <label class="field">
                    <span>Worker tag</span>
                    <select value={workerTag()} onChange={(e) => setWorkerTag(e.currentTarget.value)}>
                      <option value="">Any worker</option>
                      <For each={settled(workerTags)}>{(tag) => <option value={tag.id}>{tag.name}</option>}</For>
                    </select>
                  </label>
                </Show>
                <For each={fields()}>
                  {(field) => (
                    <SettingInput field={field} value={values()[field.key]} problem={formProblems().find((p) => p.setting === field.key)?.message} onChange={(value) => setValues({ ...values(), [field.key]: value })} />
                  )}
                </For>
                <div class="row">
                  <button type="submit" class="primary" disabled={busy()} data-testid="run" title="Ctrl+Enter">
                    Run dry-run
                  </button>
                  <span class="muted">Ctrl+Enter</span>
                  <span class="spacer" />
                  <label title="Submit the job paused; start it from its page">
                    <input type="checkbox" checked={startPaused()} onChange={(e) => setStartPaused(e.currentTarget.checked)} /> paused
                  </label>
                  <button type="button" disabled={!exists() || dirty()} onClick={() => void submitJob()} title={!exists() || dirty() ? 'Save the job type first' : 'Submit this job to the farm'} data-testid="submit-job">
                    Submit job
                  </button>
                </div>
              </form>
              <Show when={result()}>
                {(current) => (
                  <DryRunResult
                    compiled={current().compiled}
                    error={current().error}
                    canSaveTest={exists() && origin() === 'custom'}
                    onSaveTest={() => void saveTest()}
                    onGoToLine={(line) => editor?.revealLine(line)}
                  />
                )}
              </Show>
            </Match>
            <Match when={panel() === 'versions'}>
              <VersionsPanel
                typeName={name()}
                currentVersion={version()}
                editorSource={source()}
                dirty={dirty()}
                trackWrite={trackWrite}
                onRolledBack={(saved) => {
                  editor?.setValue(saved.source);
                  setSource(saved.source);
                  setSavedSource(saved.source);
                  setVersion(saved.version);
                }}
              />
            </Match>
            <Match when={panel() === 'tests'}>
              <TestsPanel typeName={name()} editorSource={() => editor?.getValue() ?? source()} dirty={dirty()} onLoadTest={loadTestIntoForm} />
            </Match>
          </Switch>
        </div>
      </div>
    </section>
  );
}
