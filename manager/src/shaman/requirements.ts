// What a client must still do before it can ask for a checkout: every listed file that is not
// stored, once per content, as `unknown` (upload it) or `uploading` (someone else is; upload
// the others first). Stored files are left out and touched, so that the garbage collector
// keeps them until the checkout links them.

import { stat, utimes } from 'node:fs/promises';
import { blobKey, storedBlobPath, type BlobId, type ShamanLayout } from './store-layout.ts';
import type { UploadsInFlight } from './uploads-in-flight.ts';

export type ShamanFileStatus = 'unknown' | 'uploading' | 'stored';

export interface FileSpec extends BlobId {
  path: string;
}

/** The file's status; a stored file is touched (marked as used at `touchAt`) when that is given. */
export async function fileStatus(layout: ShamanLayout, uploads: UploadsInFlight, blob: BlobId, touchAt?: Date): Promise<ShamanFileStatus> {
  const path = storedBlobPath(layout, blob);
  try {
    if (touchAt === undefined) {
      if ((await stat(path)).isFile()) return 'stored';
    } else {
      await utimes(path, touchAt, touchAt);
      return 'stored';
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  return uploads.isUploading(blob) ? 'uploading' : 'unknown';
}

export async function checkoutRequirements(
  layout: ShamanLayout,
  uploads: UploadsInFlight,
  files: readonly FileSpec[],
  now: Date,
): Promise<(FileSpec & { status: Exclude<ShamanFileStatus, 'stored'> })[]> {
  const seen = new Set<string>();
  const needed: (FileSpec & { status: Exclude<ShamanFileStatus, 'stored'> })[] = [];
  for (const file of files) {
    const key = blobKey(file);
    if (seen.has(key)) continue;
    seen.add(key);
    const status = await fileStatus(layout, uploads, file, now);
    if (status !== 'stored') needed.push({ sha: file.sha, size: file.size, path: file.path, status });
  }
  return needed;
}
