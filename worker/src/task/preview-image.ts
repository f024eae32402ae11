// A rendered file as the manager's last-rendered view takes it: a JPEG or PNG of at most 25 MiB.
// JPEG and PNG files go as they are; other formats sharp reads (TIFF, WebP, …) and images too
// large are made into a JPEG of quality 85, as Flamenco's worker does. Formats sharp cannot
// read (OpenEXR) are not previewed.

export interface PreviewImage {
  bytes: Uint8Array;
  mediaType: 'image/jpeg' | 'image/png';
}

/** What the manager takes at most. */
export const MAX_PREVIEW_BYTES = 25 * 1024 * 1024;

/** Big enough for a preview; only images over the size limit are shrunk. */
const PREVIEW_MAX_SIDE = 3840;

export function sniffMediaType(bytes: Uint8Array): 'image/jpeg' | 'image/png' | undefined {
  if (bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'image/png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  return undefined;
}

/** The image to send, or undefined when the file cannot be previewed. */
export async function previewImage(bytes: Uint8Array): Promise<PreviewImage | undefined> {
  const mediaType = sniffMediaType(bytes);
  if (mediaType !== undefined && bytes.length <= MAX_PREVIEW_BYTES) return { bytes, mediaType };
  const { default: sharp } = await import('sharp');
  try {
    const jpeg = await sharp(bytes, { limitInputPixels: 1 << 28 })
      .resize({ width: PREVIEW_MAX_SIDE, height: PREVIEW_MAX_SIDE, fit: 'inside', withoutEnlargement: true })
      .jpeg({ quality: 85 })
      .toBuffer();
    return jpeg.length <= MAX_PREVIEW_BYTES ? { bytes: jpeg, mediaType: 'image/jpeg' } : undefined;
  } catch {
    return undefined;
  }
}
