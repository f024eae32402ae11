// Reading an uploaded render and making its JPEG sizes with sharp (libvips): each size fits in
// its box without being enlarged, transparency becomes black, quality 85 (as Flamenco).

import type Sharp from 'sharp';
import { LAST_RENDERED_SIZES } from './last-rendered-store.ts';

// libvips takes some 12 MB of memory once loaded: only managers that get images pay for it.
let library: Promise<typeof Sharp> | undefined;
function sharpLibrary(): Promise<typeof Sharp> {
  library ??= import('sharp').then((loaded) => loaded.default);
  return library;
}

/** Largest image accepted, in pixels (a 16K × 16K frame); more would take too much memory to decode. */
export const MAX_PIXELS = 16384 * 16384;
const JPEG_QUALITY = 85;

export interface ImageFacts {
  format: 'jpeg' | 'png';
  width: number;
  height: number;
}

export class UnusableImageError extends Error {
  readonly tooLarge: boolean;

  constructor(message: string, tooLarge = false) {
    super(message);
    this.tooLarge = tooLarge;
  }
}

/** Reads the image's header: a JPEG or PNG of acceptable size, or UnusableImageError. */
export async function inspectImage(image: Buffer): Promise<ImageFacts> {
  const sharp = await sharpLibrary();
  let metadata;
  try {
    metadata = await sharp(image).metadata();
  } catch {
    throw new UnusableImageError('the body is not a JPEG or PNG image that can be read');
  }
  const { format, width, height } = metadata;
  if (format !== 'jpeg' && format !== 'png') throw new UnusableImageError(`the body is a ${format} image; send a JPEG or PNG`);
  if (!width || !height) throw new UnusableImageError('the image has no size');
  if (width * height > MAX_PIXELS) {
    throw new UnusableImageError(`the image is ${width}×${height} pixels; the manager takes at most ${MAX_PIXELS} pixels, so scale it down`, true);
  }
  return { format, width, height };
}

/** The image in every size of LAST_RENDERED_SIZES, largest first, each made from the one before. */
export async function makeThumbnails(image: Buffer): Promise<Buffer[]> {
  const sharp = await sharpLibrary();
  const results: Buffer[] = [];
  let source = image;
  for (const size of LAST_RENDERED_SIZES) {
    source = await sharp(source, { limitInputPixels: MAX_PIXELS })
      .resize(size.width, size.height, { fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#000000' })
      .jpeg({ quality: JPEG_QUALITY })
      .toBuffer();
    results.push(source);
  }
  return results;
}
