// Paths as written on another platform than the manager's. Platform names are Flamenco's (Go's
// GOOS): "linux", "windows", "darwin", or anything a worker reports. Only "windows" uses
// backslashes; every other platform uses slashes.

export function isPathSeparator(character: string): boolean {
  return character === '/' || character === '\\';
}

export function toSlashes(path: string): string {
  return path.replaceAll('\\', '/');
}

export function separatorFor(platform: string): '/' | '\\' {
  return platform === 'windows' ? '\\' : '/';
}

/**
 * The path with the platform's separators: runs of separators collapse into one (leading ones,
 * as in `\\server\share`, are kept), a trailing one goes, and on Windows `R:foo` becomes `R:\foo`.
 */
export function toPlatformPath(path: string, platform: string): string {
  if (path === '') return '';
  const separator = separatorFor(platform);
  const leading = /^[\\/]*/.exec(path)?.[0].length ?? 0;
  const components = path.split(/[\\/]+/).filter((component) => component !== '');
  const translated = separator.repeat(leading) + components.join(separator);
  return platform === 'windows' ? ensureDriveAbsolute(translated) : translated;
}

/** `R:` → `R:\`, `R:frames` → `R:\frames`: a drive letter alone means its root folder here. */
export function ensureDriveAbsolute(windowsPath: string): string {
  if (!/^[A-Za-z]:/.test(windowsPath)) return windowsPath;
  if (windowsPath.length === 2) return `${windowsPath}\\`;
  if (isPathSeparator(windowsPath.charAt(2))) return windowsPath;
  return `${windowsPath.slice(0, 2)}\\${windowsPath.slice(2)}`;
}

/** `/render/` → `/render`; a root (`/`, `\`) stays itself. */
export function trimTrailingSeparators(path: string): string {
  const trimmed = path.replace(/[\\/]+$/, '');
  return trimmed === '' && path !== '' ? path.charAt(0) : trimmed;
}

/** Node's platform name as Flamenco spells it (`win32` is `windows`). */
export function platformFromNode(nodePlatform: string): string {
  return nodePlatform === 'win32' ? 'windows' : nodePlatform;
}
