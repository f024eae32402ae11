// Path helpers of the authoring API — the `path` module of job-type scripts — with the
// semantics of Flamenco 3's `crosspath` package (pkg/crosspath/crosspath.go), which wraps Go's
// `path` package: `/` and `\` are both accepted as separators on any host, results use `/`.
//
// These functions are injected into the job-type sandbox as source text (`fn.toString()`), so
// this module holds nothing but self-contained `export function` declarations: no imports, no
// module-level values, no Node APIs. A function may only call itself, the other functions of
// this file, and ECMAScript built-ins.
//
// Flamenco behaviour matched on purpose:
// - `pathJoin` joins and cleans the elements *as given* and only then turns `\` into `/`
//   (crosspath.Join is `ToSlash(path.Join(elems...))`). That is what keeps the UNC prefix in
//   `join('\\\\SERVER', 'share')` → `//SERVER/share` (a Flamenco test vector), but it also
//   means `\`-separated `.`/`..`/empty segments are not cleaned:
//   `join('C:\\a\\', 'b')` → `C:/a//b`, `join('a\\..\\b')` → `a/../b`, exactly as in Flamenco.
//   An already slashed UNC path loses its `//` in a join (`join('//NAS/x', 'y')` → `/NAS/x/y`),
//   as in Flamenco.
// - `pathDirname` does not clean, so a leading `//` (UNC) survives; `dirname('a//b')` is `a/`.
// - `pathClean` is Go's `path.Clean`: only `/` is a separator there.
// - `undefined`/`null` arguments count as "" (Flamenco's goja runtime passes them as the empty
//   string), numbers and booleans as their text; any other non-string is an error.

/**
 * Replaces every `\` by `/`. Also the one place where path arguments are checked: `caller`
 * names the function in the error for an argument that is not a string.
 */
export function pathToSlash(path: string, caller?: string): string {
  const input: unknown = path;
  let text: string;
  if (typeof input === 'string') {
    text = input;
  } else if (input === undefined || input === null) {
    text = '';
  } else if (typeof input === 'number' || typeof input === 'boolean' || typeof input === 'bigint') {
    text = String(input);
  } else {
    const shown = Array.isArray(input) ? 'an array' : typeof input === 'object' ? 'an object' : `a ${typeof input}`;
    throw new Error(`${caller ?? 'pathToSlash'}: a path must be a string, got ${shown}`);
  }
  return text.replaceAll('\\', '/');
}

/**
 * Go's `path.Clean`: the shortest path equivalent to `path` by purely lexical processing —
 * repeated slashes become one, `.` elements go, a `..` removes the element before it (a `..`
 * right after the root is dropped; a leading `..` of a relative path stays), and a trailing
 * slash goes unless the result is `/`. The empty path becomes `.`. Only `/` separates.
 */
export function pathClean(path: string): string {
  const input: unknown = path;
  if (typeof input !== 'string') {
    return pathClean(pathToSlash(path, 'pathClean'));
  }
  if (input === '') return '.';
  const rooted = input.startsWith('/');
  const kept: string[] = [];
  for (const element of input.split('/')) {
    if (element === '' || element === '.') continue;
    if (element === '..') {
      if (kept.length > 0 && kept[kept.length - 1] !== '..') {
        kept.pop();
      } else if (!rooted) {
        kept.push('..');
      }
      continue;
    }
    kept.push(element);
  }
  const cleaned = (rooted ? '/' : '') + kept.join('/');
  return cleaned === '' ? '.' : cleaned;
}

/**
 * Joins the non-empty elements with `/` and cleans the result (Go's `path.Join`), then turns
 * `\` into `/`. No elements, or only empty ones, give "".
 */
export function pathJoin(...elems: string[]): string {
  const parts: string[] = [];
  for (const element of elems) {
    // Stringified without slashing: Flamenco cleans the elements as given (see the header).
    const text = typeof element === 'string' ? element : pathToSlash(element, 'path.join');
    if (text !== '') parts.push(text);
  }
  if (parts.length === 0) return '';
  return pathToSlash(pathClean(parts.join('/')));
}

/**
 * All but the last element of the path, without cleaning: everything before the last
 * separator, minus that separator unless the result is just `/`. No separator, or "", gives `.`.
 */
export function pathDirname(path: string): string {
  const slashed = pathToSlash(path, 'path.dirname');
  const cut = slashed.lastIndexOf('/');
  if (cut < 0) return '.';
  if (cut === 0) return '/';
  return slashed.slice(0, cut);
}

/**
 * The last element of the path (Go's `path.Base` of the slashed path): trailing separators are
 * ignored; "" gives `.`, a path of only separators gives `/`.
 */
export function pathBasename(path: string): string {
  const slashed = pathToSlash(path, 'path.basename');
  if (slashed === '') return '.';
  let end = slashed.length;
  while (end > 0 && slashed[end - 1] === '/') end--;
  if (end === 0) return '/';
  const trimmed = slashed.slice(0, end);
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

/**
 * The last element of the path without its extension — the part from its last `.` on (Go's
 * `path.Ext`), so `archive.tar.gz` → `archive.tar` and `.bashrc` → "".
 */
export function pathStem(path: string): string {
  const base = pathBasename(pathToSlash(path, 'path.stem'));
  const dot = base.lastIndexOf('.');
  return dot < 0 ? base : base.slice(0, dot);
}
