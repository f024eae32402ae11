#!/usr/bin/env -S UV_USE_IO_URING=0 MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=131072 MALLOC_TRIM_THRESHOLD_=131072 node --max-semi-space-size=8 --heap-growing-percent=50
// The `tablao` command. Plain JavaScript so that an old Node.js can still say what is wrong.
// The first line tunes memory for a long-running service (bin/launch.ts explains; it reads that
// line to start Tablao's processes the same way).
const [major] = process.versions.node.split('.').map(Number);
if (major < 24) {
  process.stderr.write(
    `tablao needs Node.js 24 or newer, but this is Node.js ${process.versions.node}.\n` +
      'Run it through npm, which uses the Node.js 24 that `npm ci` installed: `npx tablao ...`\n',
  );
  process.exit(1);
}
const { main } = await import('./cli.ts');
process.exitCode = await main(process.argv.slice(2));
