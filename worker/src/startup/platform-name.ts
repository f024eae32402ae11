// The platform as the manager names it (Flamenco's, from Go's GOOS): linux, windows, darwin.

export function platformName(platform: NodeJS.Platform): string {
  return platform === 'win32' ? 'windows' : platform;
}
