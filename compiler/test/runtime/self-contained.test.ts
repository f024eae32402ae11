// The runtime helpers are injected into the sandbox as source text (`fn.toString()`), so each
// exported function must work on its own, beside the others, in a bare V8 context. This test
// proves that in two ways: statically (module shape; every name resolves to the file itself or
// to the ECMAScript library, not to Node) and by running them in a fresh `node:vm` context.

import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import ts from 'typescript';
import * as frames from '../../src/runtime/frames.ts';
import * as paths from '../../src/runtime/paths.ts';
import * as shellSplitModule from '../../src/runtime/shell-split.ts';
import * as timestamp from '../../src/runtime/timestamp.ts';

const runtimeDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/runtime');
const modules: Record<string, Record<string, unknown>> = {
  'frames.ts': frames,
  'paths.ts': paths,
  'shell-split.ts': shellSplitModule,
  'timestamp.ts': timestamp,
};

const exported: Array<[string, (...args: unknown[]) => unknown]> = [];
for (const [file, namespace] of Object.entries(modules)) {
  for (const [name, value] of Object.entries(namespace)) {
    assert.equal(typeof value, 'function', `${file} exports ${name}, which is not a function`);
    exported.push([name, value as (...args: unknown[]) => unknown]);
  }
}

// Calls made in the sandbox and on the host; each is an expression over the exported names.
const calls = [
  'frameChunker("1..10,20..25,40,3..8", 4)',
  'frameChunker("0-12,34-56,78-90", 20)',
  'frameChunker(" 1 , 2 ", 2.5)',
  'frameChunker("1-10", 0)',
  'frameChunker("1-x", 3)',
  'frameChunker("10-1", 3)',
  'frameChunker("1-20000000", 3)',
  'frameChunker(undefined, 3)',
  'frameChunker("1-3", "2")',
  'frameCount("1-5,3-8")',
  'frameCount("")',
  'explodeFrameRange("5,1..3,2")',
  'frameRangeIntervals("4-6,1,2,3,9")',
  'compactFrames([1, 2, 3, 5, 7, 8])',
  'compactFrames([2, 1])',
  'compactFrames([])',
  'pathJoin("C:\\\\ünicode", "is\\\\awésom.tar.gz")',
  'pathJoin("\\\\\\\\SERVER", "mount", "dir", "file.txt")',
  'pathJoin("a//b/../c")',
  'pathJoin()',
  'pathJoin("a", {})',
  'pathDirname("R:\\\\a\\\\b.blend")',
  'pathDirname("\\\\\\\\server\\\\share\\\\file")',
  'pathDirname("")',
  'pathBasename("dir\\\\sub\\\\")',
  'pathBasename("////")',
  'pathStem("shot.flamenco.blend")',
  'pathStem(".bashrc")',
  'pathClean("abc/../../././../def")',
  'pathToSlash("a\\\\b")',
  'shellSplit("one two \\"three four\\" \\"five \\\\\\"six\\\\\\"\\" seven#eight # nine\\n eleven \'twelve\\\\\'")',
  'shellSplit("a \'\' \\"b\\\\c\\"")',
  'shellSplit("\'open")',
  'shellSplit("trailing\\\\")',
  'shellSplit(undefined)',
  'shellSplit([])',
  'formatTimestampLocal(new Date(2006, 0, 2, 15, 4, 5))',
  'formatTimestampLocal(new Date(2006, 0, 2, 15, 4, 5).getTime())',
  'formatTimestampLocal("2006-01-02T15:04:05")',
  'formatTimestampLocal(new Date(NaN))',
  'formatTimestampLocal("yesterday")',
  'formatTimestampLocal({})',
];

/** Wraps a call so that it reports its value or its error the same way in both realms. */
function probe(expression: string): string {
  return `(function () {
    try {
      return JSON.stringify({ value: ${expression} });
    } catch (error) {
      return JSON.stringify({ error: error instanceof Error ? error.message : 'non-Error: ' + String(error) });
    }
  })()`;
}

describe('runtime: self-contained functions', () => {
  describe('static shape', () => {
    const files = Object.keys(modules).map((file) => path.join(runtimeDir, file));
    let program: ts.Program;
    before(function () {
      this.timeout(60_000);
      program = ts.createProgram(files, {
        target: ts.ScriptTarget.ES2024,
        lib: ['lib.es2024.d.ts'],
        types: [],
        strict: true,
        noEmit: true,
        allowImportingTsExtensions: true,
        erasableSyntaxOnly: true,
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
      });
    });

    for (const file of files) {
      const name = path.basename(file);

      it(`${name} has nothing but exported function declarations (and erased types) at the top`, () => {
        const source = program.getSourceFile(file);
        assert.ok(source, `${file} was not loaded`);
        for (const statement of source.statements) {
          const where: string = `${name}:${source.getLineAndCharacterOfPosition(statement.getStart(source)).line + 1}`;
          if (ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement)) continue;
          assert.ok(ts.isFunctionDeclaration(statement), `${where}: only function declarations may be at the top`);
          const modifiers = ts.getModifiers(statement)?.map((m) => m.kind) ?? [];
          assert.deepEqual(modifiers, [ts.SyntaxKind.ExportKeyword], `${where}: must be a plain "export function"`);
          assert.ok(statement.body, `${where}: must have a body (no overloads)`);
        }
      });

      it(`${name} type-checks against the ECMAScript library alone (no Node, no DOM, no imports)`, () => {
        const source = program.getSourceFile(file);
        assert.ok(source);
        const diagnostics = [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)];
        const text = diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
        assert.deepEqual(text, []);
      });

      it(`${name} uses no Intl, eval, Function constructor or globalThis`, () => {
        const source = program.getSourceFile(file);
        assert.ok(source);
        const checker = program.getTypeChecker();
        const banned = new Set(['Intl', 'eval', 'Function', 'globalThis', 'WebAssembly', 'SharedArrayBuffer', 'Atomics']);
        const found: string[] = [];
        const visit = (node: ts.Node): void => {
          if (ts.isIdentifier(node) && banned.has(node.text)) {
            const declarations = checker.getSymbolAtLocation(node)?.declarations ?? [];
            if (declarations.some((d) => d.getSourceFile().fileName !== source.fileName)) found.push(node.text);
          }
          ts.forEachChild(node, visit);
        };
        visit(source);
        assert.deepEqual(found, []);
      });
    }

    it('every exported function reads back as a named function declaration', () => {
      for (const [name, fn] of exported) {
        assert.equal(fn.name, name);
        assert.ok(fn.toString().startsWith(`function ${name}(`), `${name}.toString() starts ${fn.toString().slice(0, 40)}`);
      }
    });

    it('no two modules export the same name', () => {
      const names = exported.map(([name]) => name);
      assert.equal(new Set(names).size, names.length);
    });
  });

  describe('in a fresh vm context', () => {
    const context = vm.createContext({});
    // Strict mode, as the sandbox's runtime is (and as ES modules are on the host).
    const source = `'use strict';\n${exported.map(([, fn]) => fn.toString()).join('\n\n')}`;
    vm.runInContext(source, context, { filename: 'runtime.js' });

    it('has no Node globals to lean on', () => {
      assert.equal(
        vm.runInContext('[typeof process, typeof require, typeof Buffer, typeof module, typeof setTimeout].join()', context),
        'undefined,undefined,undefined,undefined,undefined',
      );
    });

    it('defines every exported function there', () => {
      for (const [name] of exported) {
        assert.equal(vm.runInContext(`typeof ${name}`, context), 'function', name);
      }
    });

    const host = new Function(...exported.map(([name]) => name), 'expression', 'return eval(expression);');
    for (const call of calls) {
      it(`${call} gives the same result as on the host`, () => {
        const inSandbox = vm.runInContext(probe(call), context) as string;
        const onHost = host(...exported.map(([, fn]) => fn), probe(call)) as string;
        assert.equal(inSandbox, onHost);
        assert.ok(!inSandbox.includes('non-Error'), `threw a non-Error: ${inSandbox}`);
        assert.ok(!inSandbox.includes('is not defined'), `a missing name: ${inSandbox}`);
      });
    }

    it('really ran (spot checks of the sandbox results)', () => {
      const run = (call: string): unknown => JSON.parse(vm.runInContext(probe(call), context) as string);
      assert.deepEqual(run('frameChunker("1-10", 3)'), { value: ['1-3', '4-6', '7-9', '10'] });
      assert.deepEqual(run('pathDirname("R:\\\\a\\\\b.blend")'), { value: 'R:/a' });
      assert.deepEqual(run('shellSplit("a \\"b c\\"")'), { value: ['a', 'b c'] });
      assert.deepEqual(run('formatTimestampLocal(new Date(2006, 0, 2, 15, 4, 5))'), { value: '2006-01-02_150405' });
      assert.deepEqual(run('frameCount("1-x")'), { error: 'frame range "1-x": "x" is not a frame number' });
    });
  });
});
