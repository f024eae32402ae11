// The uploads this manager is receiving, by file. Several clients may upload the same file at
// once; the first to store it ends the others (Flamenco closes their connections), and a
// client that can defer is told to come back later instead of sending a second copy.

import { blobKey, type BlobId } from './store-layout.ts';

/** Why an upload was ended from outside: another one stored the same file. */
export const STORED_BY_ANOTHER = 'stored by another upload';

export interface UploadTicket {
  /** Aborted when another upload of the same file has stored it. */
  signal: AbortSignal;
  /**
   * Claims the right to store the file: true for the first upload of it to get here, which
   * then ends the others; false when one already did.
   */
  claimStore(): boolean;
  /** Leaves the list; call when the upload is over, whatever its outcome. */
  end(): void;
}

export class UploadsInFlight {
  readonly #uploads = new Map<string, Set<AbortController>>();
  readonly #claimed = new Set<string>();

  isUploading(blob: BlobId): boolean {
    return this.#uploads.has(blobKey(blob));
  }

  begin(blob: BlobId): UploadTicket {
    const key = blobKey(blob);
    const controller = new AbortController();
    let uploads = this.#uploads.get(key);
    if (uploads === undefined) {
      uploads = new Set();
      this.#uploads.set(key, uploads);
    }
    uploads.add(controller);
    return {
      signal: controller.signal,
      claimStore: () => {
        if (this.#claimed.has(key)) return false;
        this.#claimed.add(key);
        for (const other of uploads) if (other !== controller) other.abort(STORED_BY_ANOTHER);
        return true;
      },
      end: () => {
        uploads.delete(controller);
        if (uploads.size === 0) {
          this.#uploads.delete(key);
          this.#claimed.delete(key);
        }
      },
    };
  }
}
