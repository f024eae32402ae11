// Creating a checkout: a fresh folder under the checkout root holding, for every requested
// file, a relative symbolic link to its stored copy. The paths are checked first
// (checkout-paths.ts), every file must be stored (they are touched, so that the garbage
// collector keeps them), and the folder is claimed atomically, with Flamenco's random suffix
// when the requested one exists. A checkout that fails halfway is removed again.

import { lstat, mkdir, realpath, rm, rmdir, symlink, utimes } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { plural } from '../domain/refusal.ts';
import {
  checkoutPathProblem,
  normaliseCheckoutPath,
  planCheckout,
  summariseProblems,
  withUniqueSuffix,
  type CheckoutFile,
  type CheckoutPlan,
} from './checkout-paths.ts';
import { storedBlobPath, type BlobId, type ShamanLayout } from './store-layout.ts';

/** A checkout Shaman will not make; `status` is the HTTP status Flamenco answers with. */
export class CheckoutRefusal extends Error {
  readonly status: 400 | 409 | 424;
  constructor(status: 400 | 409 | 424, message: string) {
    super(message);
    this.status = status;
  }
}

/** Flamenco tries the requested path and then nine random suffixes. */
const ATTEMPTS = 10;

export interface CheckoutRequest {
  checkoutPath: string;
  files: readonly CheckoutFile[];
}

/** Makes the checkout; answers its path relative to the checkout root, which may have a suffix. */
export async function createCheckout(layout: ShamanLayout, request: CheckoutRequest, now: Date): Promise<string> {
  const pathProblem = checkoutPathProblem(request.checkoutPath);
  if (pathProblem !== null) throw new CheckoutRefusal(400, pathProblem);
  const planned = planCheckout(request.files);
  if ('problems' in planned) throw new CheckoutRefusal(400, `the checkout's files cannot be laid out: ${summariseProblems(planned.problems)}`);
  const { plan } = planned;

  await touchStoredFiles(layout, plan.blobs, now);
  await Promise.all([mkdir(layout.checkouts, { recursive: true }), mkdir(layout.stored, { recursive: true })]);
  // Links are made relative between real paths, so that they hold wherever the storage is mounted.
  const [root, stored] = await Promise.all([realpath(layout.checkouts), realpath(layout.stored)]);
  const requested = normaliseCheckoutPath(request.checkoutPath);
  await refuseLinksOnTheWay(root, requested);

  let checkoutPath = requested;
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const dir = join(root, checkoutPath);
    if (await claimFolder(root, dir)) {
      await fillCheckout({ ...layout, stored }, root, checkoutPath, plan);
      return checkoutPath;
    }
    checkoutPath = withUniqueSuffix(requested);
  }
  throw new CheckoutRefusal(409, `checkout path "${requested}" exists, and so did ${ATTEMPTS - 1} variants with a random suffix; choose another checkout path`);
}

/** Marks the files as used now, which also proves they are stored; 424 lists those that are not. */
async function touchStoredFiles(layout: ShamanLayout, blobs: readonly BlobId[], now: Date): Promise<void> {
  const missing: BlobId[] = [];
  for (const blob of blobs) {
    try {
      await utimes(storedBlobPath(layout, blob), now, now);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      missing.push(blob);
    }
  }
  if (missing.length === 0) return;
  const listed = missing.slice(0, 10).map((blob) => `${blob.sha} (${blob.size} bytes)`);
  const more = missing.length > 10 ? `, and ${missing.length - 10} more` : '';
  throw new CheckoutRefusal(
    424,
    `${plural(missing.length, 'file is', 'files are')} not uploaded: ${listed.join(', ')}${more}; ask shamanCheckoutRequirements which files to upload, upload them and ask for the checkout again`,
  );
}

/** A folder on the way to the checkout that is a symbolic link could lead anywhere: refused. */
async function refuseLinksOnTheWay(root: string, checkoutPath: string): Promise<void> {
  let current = root;
  for (const part of checkoutPath.split('/')) {
    current = join(current, part);
    let isLink: boolean;
    try {
      isLink = (await lstat(current)).isSymbolicLink();
    } catch {
      return; // nothing further exists yet
    }
    if (isLink) {
      throw new CheckoutRefusal(400, `checkout path "${checkoutPath}" leads through "${relative(root, current)}", a symbolic link, which could leave the checkout root; choose another checkout path`);
    }
  }
}

/** Creates `dir` itself (not only its parents): false when it exists, so two requests never share a folder. */
async function claimFolder(root: string, dir: string): Promise<boolean> {
  try {
    await mkdir(dirname(dir), { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOTDIR' && code !== 'EEXIST') throw error;
    throw new CheckoutRefusal(400, `checkout path "${relative(root, dir)}" leads through a file where a folder should be; choose another checkout path`);
  }
  try {
    await mkdir(dir);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

async function fillCheckout(layout: ShamanLayout, root: string, checkoutPath: string, plan: CheckoutPlan): Promise<void> {
  const dir = join(root, checkoutPath);
  try {
    // Checked once more now that it exists: it must be exactly where it was asked for.
    if ((await realpath(dir)) !== dir) {
      throw new CheckoutRefusal(400, `checkout path "${checkoutPath}" resolves to a place outside the checkout root; choose another checkout path`);
    }
    const folders = new Set(plan.links.map((link) => dirname(join(dir, link.path))));
    for (const folder of folders) await mkdir(folder, { recursive: true });
    for (const link of plan.links) {
      const linkPath = join(dir, link.path);
      await symlink(relative(dirname(linkPath), storedBlobPath(layout, link)), linkPath);
    }
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    if (dirname(dir) !== root) await rmdir(dirname(dir)).catch(() => undefined);
    throw error;
  }
}
