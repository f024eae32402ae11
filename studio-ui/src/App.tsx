// The app's shell: header with navigation, farm status and the live-update state; the screen
// the address names; dialogs and notices above everything.

import { createMemo, ErrorBoundary, lazy, Match, onMount, Show, Switch, type JSX } from 'solid-js';
import { messageOf } from './api/client.ts';
import { connectEvents } from './api/event-stream.ts';
import { ConfirmHost } from './components/confirm.tsx';
import { FarmStatus } from './components/FarmStatus.tsx';
import { FirstRunBanner } from './components/FirstRunBanner.tsx';
import { NoticeHost } from './components/notices.tsx';
import { StreamIndicator } from './components/StreamIndicator.tsx';
import { currentPath, Link, routeOf } from './router.tsx';
import { JobsScreen } from './screens/JobsScreen.tsx';
import { JobScreen } from './screens/JobScreen.tsx';
import { TaskScreen } from './screens/TaskScreen.tsx';
import { WorkersScreen } from './screens/WorkersScreen.tsx';
import { JobTypesScreen } from './screens/JobTypesScreen.tsx';
import { SetupScreen } from './screens/SetupScreen.tsx';
import { applyTheme, setTheme, theme, type Theme } from './theme.ts';

// The editor screen brings Monaco along, so it is loaded only when opened.
const JobTypeStudio = lazy(() => import('./screens/JobTypeStudio.tsx'));

const NAV = [
  { href: '/jobs', label: 'Jobs', screens: ['jobs', 'job', 'task'] },
  { href: '/workers', label: 'Workers', screens: ['workers'] },
  { href: '/job-types', label: 'Job types', screens: ['job-types', 'job-type', 'new-job-type'] },
  { href: '/setup', label: 'Setup', screens: ['setup'] },
];

export function App(): JSX.Element {
  const route = createMemo(() => routeOf(currentPath(), window.location.search));
  onMount(() => {
    applyTheme();
    connectEvents({});
  });
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <Link href="/" class="brand">
          Tablao
        </Link>
        <nav aria-label="Main">
          {NAV.map((item) => (
            <Link href={item.href} aria-current={item.screens.includes(route().screen) ? 'page' : undefined}>
              {item.label}
            </Link>
          ))}
        </nav>
        <div class="spacer" />
        <FarmStatus />
        <StreamIndicator />
        {/* The add-on of this manager's own version, served by the manager (artists install it in Blender's preferences). */}
        <a href="/tablao-addon.zip" download="" class="addon-download">
          Blender add-on
        </a>
        <label class="theme">
          <span class="visually-hidden">Colours</span>
          <select value={theme()} onChange={(e) => setTheme(e.currentTarget.value as Theme)} aria-label="Colours">
            <option value="system">System colours</option>
            <option value="light">Light</option>
            <option value="dark">Dark</option>
          </select>
        </label>
      </header>
      <main id="main" tabindex="-1">
        <FirstRunBanner />
        {/* No Suspense boundary: screens show their own loading states, and a refetch never blanks a screen (or takes the focus from the editor). */}
        <Show when={currentPath()} keyed>
          {(_path) => (
        <ErrorBoundary
          fallback={(error, reset) => (
            <section role="alert">
              <h1>This page failed</h1>
              <p class="error">{messageOf(error)}</p>
              <button type="button" onClick={reset}>Try again</button>
            </section>
          )}
        >
        <Switch>
            <Match when={route().screen === 'jobs'}>
              <JobsScreen />
            </Match>
            <Match when={route().screen === 'job' && route()}>
              {(r) => <JobScreen jobId={(r() as { jobId: string }).jobId} />}
            </Match>
            <Match when={route().screen === 'task' && route()}>
              {(r) => <TaskScreen taskId={(r() as { taskId: string }).taskId} />}
            </Match>
            <Match when={route().screen === 'workers'}>
              <WorkersScreen />
            </Match>
            <Match when={route().screen === 'job-types'}>
              <JobTypesScreen />
            </Match>
            <Match when={route().screen === 'job-type' && route()}>
              {(r) => <JobTypeStudio name={(r() as { name: string }).name} />}
            </Match>
            <Match when={route().screen === 'new-job-type' && route()}>
              {(r) => <JobTypeStudio from={(r() as { from?: string }).from} />}
            </Match>
            <Match when={route().screen === 'setup'}>
              <SetupScreen />
            </Match>
            <Match when={route().screen === 'not-found'}>
              <section>
                <h1>Nothing here</h1>
                <p>
                  There is no page at <code>{currentPath()}</code>. Go to the <Link href="/jobs">jobs</Link>.
                </p>
              </section>
            </Match>
        </Switch>
        </ErrorBoundary>
          )}
        </Show>
      </main>
      <ConfirmHost />
      <NoticeHost />
    </>
  );
}
