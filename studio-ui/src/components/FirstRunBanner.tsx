// Until the setup assistant has run, the farm's pages say where to start (the editor, which
// needs the whole window, does not).

import { createResource, Show, type JSX } from 'solid-js';
import { api, ok, settled } from '../api/client.ts';
import { currentPath, Link } from '../router.tsx';

export function FirstRunBanner(): JSX.Element {
  const [configuration] = createResource(currentPath, () => ok(api.GET('/api/v3/configuration')));
  return (
    <Show when={settled(configuration)?.isFirstRun && currentPath() !== '/setup' && !currentPath().startsWith('/job-types/') && currentPath() !== '/new-job-type'}>
      <p class="callout first-run" role="note">
        This farm is not set up yet: tell it where the shared storage is and how to start Blender. <Link href="/setup">Set up the farm</Link>
      </p>
    </Show>
  );
}
