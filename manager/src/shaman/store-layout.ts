// Where Shaman keeps things, as Flamenco lays them out in the shared storage:
//   file-store/stored/<sha[0:2]>/<sha[2:]>/<size>.blob           a complete, verified file
//   file-store/uploading/<sha[0:2]>/<sha[2:]>/<size>-<random>.tmp  an upload under way
//   jobs/<checkout path>/…                                        checkouts: links to stored files
// Workers reach the checkouts through the shared storage, so the links are relative: they
// work wherever the storage is mounted.

import { join } from 'node:path';

export interface ShamanLayout {
  stored: string;
  uploading: string;
  /** The checkout root, which the `{jobs}` variable names with Shaman on. */
  checkouts: string;
}

export function shamanLayout(sharedStoragePath: string): ShamanLayout {
  const fileStore = join(sharedStoragePath, 'file-store');
  return { stored: join(fileStore, 'stored'), uploading: join(fileStore, 'uploading'), checkouts: join(sharedStoragePath, 'jobs') };
}

/** One stored file's identity; checksums are compared in lower case. */
export interface BlobId {
  sha: string;
  size: number;
}

export function blobKey(blob: BlobId): string {
  return `${blob.sha.toLowerCase()}/${blob.size}`;
}

function blobDir(root: string, blob: BlobId): string {
  const sha = blob.sha.toLowerCase();
  return join(root, sha.slice(0, 2), sha.slice(2));
}

export function storedBlobPath(layout: ShamanLayout, blob: BlobId): string {
  return join(blobDir(layout.stored, blob), `${blob.size}.blob`);
}

export function uploadPath(layout: ShamanLayout, blob: BlobId, token: string): string {
  return join(blobDir(layout.uploading, blob), `${blob.size}-${token}.tmp`);
}
