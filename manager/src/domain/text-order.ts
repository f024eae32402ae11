/** Strings in code-unit order (as SQLite's default collation orders ASCII text), not by locale. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
