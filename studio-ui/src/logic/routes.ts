// The app's pages by path: what the address bar says, as a screen and its parameters.

export type Route =
  | { screen: 'jobs' }
  | { screen: 'job'; jobId: string }
  | { screen: 'task'; taskId: string }
  | { screen: 'workers' }
  | { screen: 'job-types' }
  | { screen: 'job-type'; name: string }
  | { screen: 'new-job-type'; from?: string }
  | { screen: 'setup' }
  | { screen: 'not-found'; path: string };

export function routeOf(pathname: string, search = ''): Route {
  const parts = pathname.split('/').filter((part) => part !== '').map(decodeURIComponent);
  if (parts.length === 0 || (parts.length === 1 && parts[0] === 'jobs')) return { screen: 'jobs' };
  if (parts[0] === 'jobs' && parts.length === 2) return { screen: 'job', jobId: parts[1]! };
  if (parts[0] === 'tasks' && parts.length === 2) return { screen: 'task', taskId: parts[1]! };
  if (parts[0] === 'workers' && parts.length === 1) return { screen: 'workers' };
  if (parts[0] === 'setup' && parts.length === 1) return { screen: 'setup' };
  if (parts[0] === 'job-types' && parts.length === 1) return { screen: 'job-types' };
  // Not under /job-types/: a custom job type may well be called "new".
  if (parts[0] === 'new-job-type' && parts.length === 1) {
    const from = new URLSearchParams(search).get('from');
    return from ? { screen: 'new-job-type', from } : { screen: 'new-job-type' };
  }
  if (parts[0] === 'job-types' && parts.length === 2) return { screen: 'job-type', name: parts[1]! };
  return { screen: 'not-found', path: pathname };
}
