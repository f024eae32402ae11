// The two request headers of a Shaman upload, read as Flamenco reads them: a boolean in Go's
// spellings, and a file name that is ASCII or RFC 2047 "encoded words" in UTF-8.

const TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

/** The header's value; undefined when it is not a boolean. Absent means false. */
export function parseCanDefer(header: string | undefined): boolean | undefined {
  if (header === undefined || header === '') return false;
  if (TRUE.has(header.trim())) return true;
  if (FALSE.has(header.trim())) return false;
  return undefined;
}

const ENCODED_WORD = /=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g;

/** The decoded file name; undefined when an encoded word is in another charset than UTF-8 or is not valid UTF-8. */
export function decodeOriginalFilename(header: string): string | undefined {
  let invalid = false;
  // Whitespace between two encoded words is not part of the text (RFC 2047 §6.2).
  const joined = header.replace(/(\?=)\s+(=\?)/g, '$1$2');
  const decoded = joined.replace(ENCODED_WORD, (_word, charset: string, encoding: string, text: string) => {
    if (!['utf-8', 'us-ascii'].includes(charset.toLowerCase())) {
      invalid = true;
      return '';
    }
    const bytes =
      encoding.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64')
        : Buffer.from(text.replaceAll('_', ' ').replace(/=([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1');
    const value = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
    if (value.includes('\uFFFD')) invalid = true;
    return value;
  });
  if (invalid) return undefined;
  return decoded;
}
