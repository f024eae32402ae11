// Light, dark, or as the system says; remembered in this browser.

import { createSignal } from 'solid-js';

export type Theme = 'system' | 'light' | 'dark';

const STORAGE_KEY = 'tablao.theme';
const stored = localStorage.getItem(STORAGE_KEY);
const [theme, setThemeSignal] = createSignal<Theme>(stored === 'light' || stored === 'dark' ? stored : 'system');
export { theme };

export function applyTheme(value: Theme = theme()): void {
  if (value === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = value;
}

export function setTheme(value: Theme): void {
  setThemeSignal(value);
  localStorage.setItem(STORAGE_KEY, value);
  applyTheme(value);
}

/** Whether the page shows dark colours now (for Monaco's theme). */
export function isDark(): boolean {
  const value = theme();
  if (value !== 'system') return value === 'dark';
  return window.matchMedia('(prefers-color-scheme: dark)').matches;
}
