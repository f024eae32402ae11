// Replies of a pretend manager, for unit tests of the parts that talk to it.

import type { Reply } from '../../src/manager/manager-client.ts';

export function answered<T = undefined>(status: number, body?: T, errorBody?: unknown): Reply<T> {
  return { reachable: true, status, body, message: status >= 400 ? `the manager says ${status}` : '', errorBody };
}

export const unreachable: Reply<never> = { reachable: false, message: 'nothing answers (connection refused)' };
