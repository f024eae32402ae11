// One field of the dry-run form, as logic/settings-form.ts describes it: its input, its help,
// and the problem the manager (or the form's own check) found with its value.

import { For, Match, Show, Switch, type JSX } from 'solid-js';
import type { SettingField } from '../logic/settings-form.ts';

export function SettingInput(props: { field: SettingField; value: string | boolean | undefined; problem: string | undefined; onChange: (value: string | boolean) => void }): JSX.Element {
  const id = `setting-${props.field.key}`;
  const help = () => [props.field.description, props.field.filledBy === 'add-on' ? 'normally filled in by the Blender add-on' : props.field.filledBy === 'script' ? 'hidden from artists' : ''].filter(Boolean).join(' · ');
  return (
    <div class={`field${props.problem ? ' invalid' : ''}`}>
      <label for={id}>
        {props.field.label}
        {props.field.required ? ' *' : ''}
      </label>
      <Switch>
        <Match when={props.field.input === 'checkbox'}>
          <input id={id} type="checkbox" checked={props.value === true} onChange={(e) => props.onChange(e.currentTarget.checked)} />
        </Match>
        <Match when={props.field.input === 'select'}>
          <select id={id} value={String(props.value ?? '')} onChange={(e) => props.onChange(e.currentTarget.value)}>
            <Show when={!props.field.required || props.field.defaultValue === undefined}>
              <option value="">(default)</option>
            </Show>
            <For each={props.field.choices}>{(choice) => <option value={choice}>{choice}</option>}</For>
          </select>
        </Match>
        <Match when={props.field.input === 'number'}>
          <input id={id} type="number" value={String(props.value ?? '')} min={props.field.min} max={props.field.max} step={props.field.step} onInput={(e) => props.onChange(e.currentTarget.value)} aria-invalid={props.problem ? 'true' : undefined} />
        </Match>
        <Match when={props.field.input === 'text'}>
          <input id={id} type="text" value={String(props.value ?? '')} onInput={(e) => props.onChange(e.currentTarget.value)} placeholder={props.field.subtype?.replace('_', ' ') ?? ''} aria-invalid={props.problem ? 'true' : undefined} />
        </Match>
      </Switch>
      <Show when={help()}>
        <small class="muted">{help()}</small>
      </Show>
      <Show when={props.problem}>
        <small class="error" role="alert">{props.problem}</small>
      </Show>
    </div>
  );
}
