// Renders the studio's Solid components to HTML in Node, for component tests: Vite compiles
// them (vite-plugin-solid in server-rendering mode) and solid-js/web's renderToString renders.

import { createServer, type ViteDevServer } from 'vite';
import solid from 'vite-plugin-solid';
import { STUDIO_DIR } from '../../build/build-studio.ts';

export interface ComponentRenderer {
  /** The module's exports, compiled for the server. */
  load(path: string): Promise<Record<string, unknown>>;
  /** `component` with `props`, as HTML. */
  render(component: unknown, props: Record<string, unknown>): string;
  close(): Promise<void>;
}

export async function startComponentRenderer(): Promise<ComponentRenderer> {
  const server: ViteDevServer = await createServer({
    root: STUDIO_DIR,
    configFile: false,
    plugins: [solid({ ssr: true })],
    server: { middlewareMode: true, hmr: false, watch: null },
    appType: 'custom',
    logLevel: 'warn',
  });
  const web = (await server.ssrLoadModule('solid-js/web')) as {
    renderToString(fn: () => unknown): string;
    createComponent(component: unknown, props: Record<string, unknown>): unknown;
  };
  return {
    load: (path) => server.ssrLoadModule(path),
    render: (component, props) => web.renderToString(() => web.createComponent(component, props)),
    close: () => server.close(),
  };
}

/** The text a person would read in `html`: tags and Solid's markers gone, entities decoded. */
export function textOf(html: string): string {
  return html
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

export function count(html: string, pattern: RegExp): number {
  return [...html.matchAll(new RegExp(pattern.source, 'g'))].length;
}
