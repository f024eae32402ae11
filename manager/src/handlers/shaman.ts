// Shaman operations: which files a client must upload, uploading them, and checkouts (job
// folders of links to the stored files). The rules live in shaman/; this translates HTTP.

import { isShamanEnabled } from '../config/config.ts';
import { HttpError } from '../http/http-error.ts';
import type { OperationHandlers } from '../http/operation-types.ts';
import { Reply } from '../http/router.ts';
import { CheckoutRefusal, createCheckout } from '../shaman/create-checkout.ts';
import { receiveUpload, UploadInterrupted, UploadMismatch } from '../shaman/receive-upload.ts';
import { checkoutRequirements, fileStatus } from '../shaman/requirements.ts';
import { shamanLayout, type ShamanLayout } from '../shaman/store-layout.ts';
import { decodeOriginalFilename, parseCanDefer } from '../shaman/upload-headers.ts';
import { UploadsInFlight } from '../shaman/uploads-in-flight.ts';
import type { ManagerServices } from './context.ts';

export function shamanHandlers(services: ManagerServices) {
  const { config, clock, log } = services;
  const uploads = new UploadsInFlight();

  /** Where Shaman keeps its files, or 503 saying how to turn it on. */
  const layout = (): ShamanLayout => {
    if (isShamanEnabled(config)) return shamanLayout(config.sharedStoragePath);
    const how =
      config.shaman?.enabled === true
        ? 'it needs shared storage: set shared_storage_path (the setup assistant does)'
        : 'set shaman.enabled: true in tablao-manager.yaml and restart the manager, or use the shared storage directly';
    throw new HttpError(503, `Shaman is turned off on this manager; ${how}`);
  };

  return {
    shamanCheckoutRequirements: async ({ body }) => ({ files: await checkoutRequirements(layout(), uploads, body.files, clock()) }),

    shamanCheckout: async ({ body }) => {
      try {
        const checkoutPath = await createCheckout(layout(), body, clock());
        log.info({ checkoutPath, files: body.files.length }, 'shaman: checkout created');
        return { checkoutPath };
      } catch (error) {
        if (error instanceof CheckoutRefusal) throw new HttpError(error.status, error.message);
        throw error;
      }
    },

    shamanFileStoreCheck: async ({ params }) => ({ status: await fileStatus(layout(), uploads, { sha: params.checksum, size: params.filesize }) }),

    shamanFileStore: async ({ params, body }, ctx) => {
      const store = layout();
      const canDefer = parseCanDefer(ctx.get('X-Shaman-Can-Defer-Upload') || undefined);
      if (canDefer === undefined) throw new HttpError(400, `X-Shaman-Can-Defer-Upload must be true or false, not "${ctx.get('X-Shaman-Can-Defer-Upload')}"`);
      const rawName = ctx.get('X-Shaman-Original-Filename');
      const originalFilename = rawName === '' ? undefined : decodeOriginalFilename(rawName);
      if (originalFilename === undefined && rawName !== '') {
        throw new HttpError(400, `X-Shaman-Original-Filename must be ASCII or RFC 2047 encoded UTF-8 (=?UTF-8?B?…?=), not "${rawName}"`);
      }
      const blob = { sha: params.checksum, size: params.filesize };
      try {
        const outcome = await receiveUpload(store, uploads, { blob, body, canDefer });
        log.info({ checksum: blob.sha, filesize: blob.size, originalFilename, outcome }, 'shaman: upload');
        if (outcome === 'stored') return Reply.withoutBody(204);
        return Reply.withoutBody(outcome === 'defer' ? 425 : 208);
      } catch (error) {
        if (error instanceof UploadMismatch) throw new HttpError(417, error.message);
        if (error instanceof UploadInterrupted) {
          log.info({ checksum: blob.sha, filesize: blob.size, originalFilename, err: error }, 'shaman: upload interrupted');
          throw new HttpError(400, error.message);
        }
        throw error;
      }
    },
  } satisfies OperationHandlers;
}
