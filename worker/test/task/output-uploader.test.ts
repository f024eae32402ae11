import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pino } from 'pino';
import sharp from 'sharp';
import type { Reply } from '../../src/manager/manager-client.ts';
import { OutputUploader } from '../../src/task/output-uploader.ts';
import { previewImage, sniffMediaType } from '../../src/task/preview-image.ts';
import { answered, unreachable } from '../support/fake-manager-replies.ts';
import { useTempDirs } from '../support/temp-dir.ts';

const TASK = '11111111-1111-4111-8111-111111111111';

async function png(width: number, red: number): Promise<Buffer> {
  return sharp({ create: { width, height: 4, channels: 3, background: { r: red, g: 0, b: 0 } } }).png().toBuffer();
}

describe('sending rendered images', () => {
  const tempDir = useTempDirs();
  let dir: string;
  before(async () => {
    dir = await tempDir();
  });

  async function frame(name: string, content: Uint8Array | string): Promise<string> {
    const path = join(dir, name);
    await writeFile(path, content);
    return path;
  }

  it('keeps one upload under way; of the images produced meanwhile only the newest is sent', async () => {
    const paths = await Promise.all([1, 2, 3, 4, 5].map(async (n) => frame(`frame-${n}.png`, await png(n, 10 * n))));
    const sent: number[] = [];
    let inFlight = 0;
    let release: () => void = () => {};
    const uploader = new OutputUploader(async (_taskId, image) => {
      inFlight++;
      assert.equal(inFlight, 1, 'one upload at a time');
      sent.push((await sharp(image).metadata()).width!);
      if (sent.length === 1) await new Promise<void>((resolve) => (release = resolve));
      inFlight--;
      return answered(202);
    }, pino({ level: 'silent' }));
    for (const path of paths) uploader.offer(TASK, path);
    await new Promise((resolve) => setTimeout(resolve, 20));
    release();
    await uploader.idle();
    assert.deepEqual(sent, [1, 5]);
  });

  it('goes on after an upload that failed or was refused', async () => {
    const path = await frame('again.png', await png(2, 1));
    const replies: Reply[] = [unreachable, answered(429), answered(409), answered(202)];
    const seen: number[] = [];
    const uploader = new OutputUploader(async () => {
      seen.push(seen.length);
      return replies.shift()!;
    }, pino({ level: 'silent' }));
    for (let i = 0; i < 4; i++) {
      uploader.offer(TASK, path);
      await uploader.idle();
    }
    assert.equal(seen.length, 4);
  });

  it('skips files that are missing or no image, without stopping', async () => {
    const sent: string[] = [];
    const uploader = new OutputUploader(async (_taskId, _image, mediaType) => {
      sent.push(mediaType);
      return answered(202);
    }, pino({ level: 'silent' }));
    uploader.offer(TASK, join(dir, 'never-written.png'));
    await uploader.idle();
    uploader.offer(TASK, await frame('notes.txt', 'not an image'));
    await uploader.idle();
    uploader.offer(TASK, await frame('fine.png', await png(3, 3)));
    await uploader.idle();
    assert.deepEqual(sent, ['image/png']);
  });

  it('sends PNG and JPEG as they are and turns other images (TIFF) into JPEG', async () => {
    const pngBytes = await png(8, 200);
    assert.equal(sniffMediaType(pngBytes), 'image/png');
    assert.deepEqual(await previewImage(pngBytes), { bytes: pngBytes, mediaType: 'image/png' });
    const jpegBytes = await sharp(pngBytes).jpeg().toBuffer();
    assert.equal((await previewImage(jpegBytes))?.mediaType, 'image/jpeg');
    const tiff = await sharp(pngBytes).tiff().toBuffer();
    const converted = await previewImage(tiff);
    assert.equal(converted?.mediaType, 'image/jpeg');
    assert.equal((await sharp(converted!.bytes).metadata()).width, 8);
    assert.equal(await previewImage(Buffer.from('plain text, no image')), undefined);
  });
});
