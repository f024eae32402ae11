// The studio's build: Solid's JSX compiled by vite-plugin-solid; Monaco and its workers end up
// in chunks of their own that only the job-type editor loads.

import { defineConfig } from 'vite';
import solid from 'vite-plugin-solid';

export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  plugins: [solid()],
  logLevel: 'warn',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 8000,
    reportCompressedSize: false,
    // Monaco's TypeScript worker alone takes seconds to transform; that is expected, not news.
    rolldownOptions: { checks: { pluginTimings: false } },
  },
  worker: { format: 'es' },
});
