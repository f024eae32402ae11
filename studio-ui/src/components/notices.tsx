// Short messages after an action (saved, refused, …), read out by screen readers.

import { createSignal, For, type JSX } from 'solid-js';

interface Notice {
  id: number;
  kind: 'info' | 'error';
  text: string;
}

const [notices, setNotices] = createSignal<Notice[]>([]);
let nextId = 1;

export function notify(text: string, kind: Notice['kind'] = 'info'): void {
  const id = nextId++;
  setNotices((list) => [...list.slice(-3), { id, kind, text }]);
  setTimeout(() => setNotices((list) => list.filter((n) => n.id !== id)), kind === 'error' ? 12_000 : 4000);
}

export function NoticeHost(): JSX.Element {
  return (
    <div class="notices" role="status" aria-live="polite">
      <For each={notices()}>
        {(notice) => (
          <div class={`notice notice-${notice.kind}`}>
            <span>{notice.text}</span>
            <button type="button" class="link" aria-label="Dismiss" onClick={() => setNotices((list) => list.filter((n) => n.id !== notice.id))}>
              ×
            </button>
          </div>
        )}
      </For>
    </div>
  );
}
