// The rules for the paths of a checkout, as pure functions: the checkout path (relative to the
// checkout root) and the path of each file inside it. Nothing a client sends may name a place
// outside its checkout folder. Backslashes count as folder separators, as Flamenco treats them.

import { plural } from '../domain/refusal.ts';
import { blobKey, type BlobId } from './store-layout.ts';

/** Flamenco's rule for checkout paths: no leading `/`, none of `?*:;{}\`. */
const CHECKOUT_PATH = /^[^/?*:;{}\\][^?*:;{}\\]*$/;

export function toSlashes(path: string): string {
  return path.replaceAll('\\', '/');
}

/** What is wrong with a checkout path, or null when it can be used. */
export function checkoutPathProblem(checkoutPath: string): string | null {
  const path = toSlashes(checkoutPath);
  if (!CHECKOUT_PATH.test(path)) {
    return `checkout path "${checkoutPath}" must be relative to the checkout root and may not contain any of ? * : ; { }, e.g. "project/shot/unique-id"`;
  }
  if (path.split('/').some((part) => part === '..')) return `checkout path "${checkoutPath}" may not contain ".." (it must stay inside the checkout root)`;
  if (normalisedParts(path).length === 0) return `checkout path "${checkoutPath}" names no folder; give one such as "project/shot/unique-id"`;
  if (hasOverlongName(path)) return `checkout path "${checkoutPath}" has a folder name longer than ${MAX_NAME_BYTES} bytes, which file systems do not allow`;
  return null;
}

/** The checkout path in its canonical form: slashes, no empty or `.` parts. Only for paths without a problem. */
export function normaliseCheckoutPath(checkoutPath: string): string {
  return normalisedParts(toSlashes(checkoutPath)).join('/');
}

/** The longest file or folder name Linux, macOS and Windows file systems take. */
const MAX_NAME_BYTES = 255;

function hasOverlongName(path: string): boolean {
  return path.split('/').some((part) => Buffer.byteLength(part) > MAX_NAME_BYTES);
}

function normalisedParts(path: string): string[] {
  return path.split('/').filter((part) => part !== '' && part !== '.');
}

/** What is wrong with the path of a file inside a checkout, or null when it can be used. */
export function checkoutFilePathProblem(filePath: string): string | null {
  const path = toSlashes(filePath);
  if (path.includes('\0')) return `file path "${filePath}" contains a NUL character`;
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) return `file path "${filePath}" is absolute; it must be relative to the checkout folder`;
  if (path.split('/').some((part) => part === '..')) return `file path "${filePath}" contains "..", which could leave the checkout folder`;
  if (normalisedParts(path).length === 0) return `file path "${filePath}" names no file`;
  if (hasOverlongName(path)) return `file path "${filePath}" has a name longer than ${MAX_NAME_BYTES} bytes, which file systems do not allow`;
  return null;
}

export interface CheckoutFile extends BlobId {
  path: string;
}

export interface CheckoutPlan {
  /** One link per file path, normalised; a path listed twice with the same content is linked once. */
  links: CheckoutFile[];
  /** The stored files the links point at, each once. */
  blobs: BlobId[];
}

/** The links a checkout consists of, or every problem with the list of files. */
export function planCheckout(files: readonly CheckoutFile[]): { plan: CheckoutPlan } | { problems: string[] } {
  const problems: string[] = [];
  const byPath = new Map<string, CheckoutFile>();
  for (const file of files) {
    const problem = checkoutFilePathProblem(file.path);
    if (problem !== null) {
      problems.push(problem);
      continue;
    }
    const path = normalisedParts(toSlashes(file.path)).join('/');
    const earlier = byPath.get(path);
    if (earlier === undefined) byPath.set(path, { sha: file.sha, size: file.size, path });
    else if (blobKey(earlier) !== blobKey(file)) problems.push(`file path "${path}" is listed twice with different contents`);
  }
  // A file cannot also be a folder of another file ("a" and "a/b").
  for (const path of byPath.keys()) {
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const folder = parts.slice(0, i).join('/');
      if (byPath.has(folder)) problems.push(`"${folder}" is listed as a file and as the folder of "${path}"`);
    }
  }
  if (problems.length > 0) return { problems: [...new Set(problems)] };
  const links = [...byPath.values()];
  const blobs = new Map(links.map((link) => [blobKey(link), { sha: link.sha, size: link.size }]));
  return { plan: { links, blobs: [...blobs.values()] } };
}

/** One message for many problems: the first few, and how many more. */
export function summariseProblems(problems: readonly string[], shown = 5): string {
  const more = problems.length - shown;
  return problems.slice(0, shown).join('; ') + (more > 0 ? `; and ${plural(more, 'more problem')}` : '');
}

/** The path tried after `checkoutPath` exists already: Flamenco's `-<4 random characters>`. */
export function withUniqueSuffix(checkoutPath: string, random: () => number = Math.random): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let suffix = '';
  for (let i = 0; i < 4; i++) suffix += alphabet[Math.floor(random() * alphabet.length)];
  return `${checkoutPath}-${suffix}`;
}
