// Reads `JOB_TYPE` out of an unsaved script, to build the dry-run form before the script is
// saved. The script runs in a throw-away Web Worker (no page, no DOM) with stand-ins for the
// authoring API and a time limit; only `JOB_TYPE`, as JSON, comes back. The manager still
// checks everything for real when the job is dry-run.

import type { JobSetting } from '../logic/settings-form.ts';

export interface JobTypeDescription {
  label?: string;
  description?: string;
  settings: JobSetting[];
}

const WORKER_SOURCE = `
onmessage = (event) => {
  const noop = () => {};
  const handle = () => new Proxy(function () {}, { get: () => handle(), apply: () => handle(), construct: () => handle() });
  const author = handle();
  const stubs = { author, path: handle(), process: { platform: 'linux', cwd: () => '/' }, print: noop, alert: noop,
    frameChunker: () => [], frameCount: () => 0, formatTimestampLocal: () => '', shellSplit: () => [],
    require: () => handle(), module: { exports: {} }, exports: {} };
  try {
    const read = new Function(...Object.keys(stubs), event.data + '\\n;return typeof JOB_TYPE === "undefined" ? undefined : JSON.stringify(JOB_TYPE);');
    const json = read(...Object.values(stubs));
    postMessage(json === undefined ? { error: 'the script defines no JOB_TYPE' } : { json });
  } catch (error) {
    postMessage({ error: String(error && error.message || error) });
  }
};`;

let workerUrl: string | undefined;

export function readJobType(source: string, timeoutMs = 1000): Promise<JobTypeDescription> {
  workerUrl ??= URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
  const worker = new Worker(workerUrl);
  return new Promise<JobTypeDescription>((resolve, reject) => {
    const timer = setTimeout(() => {
      worker.terminate();
      reject(new Error(`reading JOB_TYPE took longer than ${timeoutMs} ms`));
    }, timeoutMs);
    worker.onmessage = (event: MessageEvent<{ json?: string; error?: string }>) => {
      clearTimeout(timer);
      worker.terminate();
      if (event.data.error !== undefined) return reject(new Error(event.data.error));
      const value = JSON.parse(event.data.json!) as Partial<JobTypeDescription> | null;
      if (!value || typeof value !== 'object') return reject(new Error('JOB_TYPE is not an object'));
      const settings = Array.isArray(value.settings) ? value.settings.filter(isSetting) : [];
      resolve({ ...(typeof value.label === 'string' ? { label: value.label } : {}), ...(typeof value.description === 'string' ? { description: value.description } : {}), settings });
    };
    worker.onerror = (event) => {
      clearTimeout(timer);
      worker.terminate();
      event.preventDefault();
      reject(new Error(event.message || 'the script could not be read'));
    };
    worker.postMessage(source);
  });
}

function isSetting(value: unknown): value is JobSetting {
  if (!value || typeof value !== 'object') return false;
  const setting = value as Record<string, unknown>;
  return typeof setting.key === 'string' && ['string', 'int32', 'float', 'bool'].includes(setting.type as string);
}
