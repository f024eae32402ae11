// Asking before an action that loses data: a modal <dialog> (focus stays in it, Escape cancels).

import { createSignal, Show, type JSX } from 'solid-js';

interface Question {
  title: string;
  message: string;
  confirmLabel: string;
  danger: boolean;
  answer: (yes: boolean) => void;
}

const [question, setQuestion] = createSignal<Question | undefined>();

export function confirmAction(title: string, message: string, confirmLabel = 'Confirm', danger = true): Promise<boolean> {
  return new Promise((resolve) => {
    setQuestion({ title, message, confirmLabel, danger, answer: resolve });
  });
}

export function ConfirmHost(): JSX.Element {
  let dialog: HTMLDialogElement | undefined;
  const close = (yes: boolean) => {
    const current = question();
    setQuestion(undefined);
    dialog?.close();
    current?.answer(yes);
  };
  return (
    <Show when={question()}>
      {(q) => (
        <dialog
          ref={(element) => {
            dialog = element;
            queueMicrotask(() => element.showModal());
          }}
          class="confirm"
          aria-labelledby="confirm-title"
          onCancel={(event) => {
            event.preventDefault();
            close(false);
          }}
        >
          <h2 id="confirm-title">{q().title}</h2>
          <p>{q().message}</p>
          <div class="row end">
            <button type="button" onClick={() => close(false)}>
              Cancel
            </button>
            <button type="button" class={q().danger ? 'danger' : 'primary'} onClick={() => close(true)} autofocus>
              {q().confirmLabel}
            </button>
          </div>
        </dialog>
      )}
    </Show>
  );
}
