// Routing by the address bar's path (the manager answers every page path with the app), so
// links can be shared and reloaded.

import { createSignal, type JSX } from 'solid-js';

export { routeOf, type Route } from './logic/routes.ts';

const [path, setPath] = createSignal(window.location.pathname);
export { path as currentPath };

window.addEventListener('popstate', () => setPath(window.location.pathname));

let leaveGuard: (() => string | undefined) | undefined;

/** While set, leaving the page in the app first asks the question `guard` returns (none: just go). */
export function guardLeaving(guard: () => string | undefined): () => void {
  leaveGuard = guard;
  return () => {
    if (leaveGuard === guard) leaveGuard = undefined;
  };
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === window.location.pathname + window.location.search) return;
  const question = leaveGuard?.();
  if (question !== undefined && !window.confirm(question)) return;
  if (options.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  setPath(new URL(to, window.location.origin).pathname);
  window.scrollTo(0, 0);
  // The link that was followed is gone with its page: keyboard and screen-reader users go on from the new page's start.
  queueMicrotask(() => document.getElementById('main')?.focus({ preventScroll: true }));
}

export function Link(props: { href: string; class?: string; children: JSX.Element; title?: string; 'aria-current'?: 'page' | undefined }): JSX.Element {
  return (
    <a
      href={props.href}
      class={props.class}
      title={props.title}
      aria-current={props['aria-current']}
      onClick={(event) => {
        if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
        event.preventDefault();
        navigate(props.href);
      }}
    >
      {props.children}
    </a>
  );
}
