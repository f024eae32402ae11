// Prepares a job-type or helper script for the sandbox: checks its syntax with acorn and
// rewrites every `throw X` to `throw __tablaoThrowAt(file, line, column, X)`, so that a thrown
// string still tells where it came from. The value thrown is unchanged. The rewrite shifts
// columns on the lines it touches; `originalColumn` maps positions back.

import { parse, type Node, type ThrowStatement } from 'acorn';
import { CompileError } from '../errors.ts';

/** Text added to the script at one place (1-based line, 0-based column of the original). */
export interface Insertion {
  line: number;
  column: number;
  length: number;
}

export interface PreparedScript {
  filename: string;
  code: string;
  insertions: Insertion[];
}

export function prepareScript(filename: string, source: string, wrapAsHelper = false): PreparedScript {
  let ast: Node;
  try {
    ast = parse(source, { ecmaVersion: 'latest', sourceType: 'script', locations: true, allowHashBang: true });
  } catch (error) {
    throw syntaxError(filename, error);
  }

  const throws: ThrowStatement[] = [];
  collectThrows(ast, throws);
  throws.sort((a, b) => a.start - b.start);

  const pieces: string[] = [];
  const insertions: Insertion[] = [];
  let cursor = 0;
  if (wrapAsHelper) {
    const header = '(function (module, exports, require) {';
    pieces.push(header);
    insertions.push({ line: 1, column: 0, length: header.length });
  }
  for (const node of throws) {
    const arg = node.argument;
    // A throw nested inside the argument of another (in a function expression) is left as is.
    if (arg.start < cursor) continue;
    const start = arg.loc!.start;
    const end = arg.loc!.end;
    const before = `__tablaoThrowAt(${JSON.stringify(filename)}, ${node.loc!.start.line}, ${node.loc!.start.column + 1}, `;
    pieces.push(source.slice(cursor, arg.start), before, source.slice(arg.start, arg.end), ')');
    insertions.push({ line: start.line, column: start.column, length: before.length });
    insertions.push({ line: end.line, column: end.column, length: 1 });
    cursor = arg.end;
  }
  pieces.push(source.slice(cursor));
  if (wrapAsHelper) pieces.push(`\n})\n//# sourceURL=${filename}`);
  insertions.sort((a, b) => a.line - b.line || a.column - b.column);
  return { filename, code: pieces.join(''), insertions };
}

/** Maps a 1-based column of the prepared code back to the 1-based column of the original. */
export function originalColumn(insertions: readonly Insertion[], line: number, column: number): number {
  const generated = column - 1;
  let shift = 0;
  for (const insertion of insertions) {
    if (insertion.line !== line) continue;
    const start = insertion.column + shift;
    if (generated < start) break;
    if (generated < start + insertion.length) return insertion.column + 1;
    shift += insertion.length;
  }
  return generated - shift + 1;
}

function collectThrows(node: unknown, out: ThrowStatement[]): void {
  const stack: unknown[] = [node];
  while (stack.length > 0) {
    const current = stack.pop();
    if (Array.isArray(current)) {
      for (const item of current) stack.push(item);
      continue;
    }
    if (current === null || typeof current !== 'object' || typeof (current as Node).type !== 'string') continue;
    if ((current as Node).type === 'ThrowStatement') out.push(current as ThrowStatement);
    for (const [key, value] of Object.entries(current)) {
      if (key !== 'loc' && value !== null && typeof value === 'object') stack.push(value);
    }
  }
}

function syntaxError(filename: string, error: unknown): CompileError {
  const loc = (error as { loc?: { line: number; column: number } }).loc;
  const raw = error instanceof Error ? error.message : String(error);
  const message = raw.replace(/\s*\(\d+:\d+\)$/, '');
  if (!loc) return new CompileError('script', `${filename}: SyntaxError: ${message}`);
  const location = { file: filename, line: loc.line, column: loc.column + 1 };
  return new CompileError('script', `${filename}:${location.line}:${location.column}: SyntaxError: ${message}`, {
    location,
  });
}
