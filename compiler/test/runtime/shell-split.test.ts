import assert from 'node:assert/strict';
import { shellSplit } from '../../src/runtime/shell-split.ts';

describe('runtime/shellSplit', () => {
  describe('google/shlex test vector', () => {
    it('splits the shlex test line (quotes, escapes, comments, a second line)', () => {
      // one two "three four" "five \"six\"" seven#eight # nine # ten
      //  eleven 'twelve\' thirteen=13 fourteen/14
      const line =
        'one two "three four" "five \\"six\\"" seven#eight # nine # ten\n' +
        " eleven 'twelve\\' thirteen=13 fourteen/14";
      assert.deepEqual(shellSplit(line), [
        'one',
        'two',
        'three four',
        'five "six"',
        'seven#eight',
        'eleven',
        'twelve\\',
        'thirteen=13',
        'fourteen/14',
      ]);
    });
  });

  describe('Flamenco test vectors', () => {
    it('splits a Python expression in single quotes', () => {
      assert.deepEqual(shellSplit("--python-expr 'print(1 + 1)'"), ['--python-expr', 'print(1 + 1)']);
    });

    it('refuses a stray quote', () => {
      assert.throws(() => shellSplit("--python-expr invalid_quoting(1 + 1)'"), /unbalanced quotes/);
    });
  });

  describe('ordinary splitting', () => {
    const rows: Array<[string, string[]]> = [
      ['', []],
      ['   ', []],
      ['one', ['one']],
      ['one "two three" four', ['one', 'two three', 'four']],
      ['  leading and   trailing  ', ['leading', 'and', 'trailing']],
      ['tabs\tand\r\nnewlines\nsplit', ['tabs', 'and', 'newlines', 'split']],
      ['--render-output "/render/shot 010/####"', ['--render-output', '/render/shot 010/####']],
      ['-E CYCLES --factory-startup', ['-E', 'CYCLES', '--factory-startup']],
      ["'single \"double\" inside'", ['single "double" inside']],
      ['"double \'single\' inside"', ["double 'single' inside"]],
      ['back\\ slash\\ space', ['back slash space']],
      ['\\"quoted\\"', ['"quoted"']],
      ['C:\\\\path\\\\file', ['C:\\path\\file']],
      ['über 文字 😀', ['über', '文字', '😀']],
    ];
    for (const [line, words] of rows) {
      it(`${JSON.stringify(line)} → ${JSON.stringify(words)}`, () => {
        assert.deepEqual(shellSplit(line), words);
      });
    }
  });

  describe('google/shlex quirks, matched on purpose', () => {
    const rows: Array<[string, string, string[]]> = [
      ['only space, tab, CR and LF separate words', 'a\vb\fc\u00a0d e', ['a\vb\fc\u00a0d', 'e']],
      ['# at a word start begins a comment up to the end of the line', 'a #b c\nd', ['a', 'd']],
      ['a comment at the very start', '# all of it', []],
      ['a comment runs over CR and tabs, only LF ends it', 'a # x\ry\tz\nb', ['a', 'b']],
      ['# inside a word is literal', 'a#b c#', ['a#b', 'c#']],
      ['# inside quotes is literal', '"#a" \'#b\'', ['#a', '#b']],
      ['# right after a closing quote is part of the word', '""#x', ['#x']],
      ['an escaped # is literal', '\\#a', ['#a']],
      ['backslash in double quotes escapes any character and is dropped', '"a\\b\\$c\\\\d"', ['ab$c\\d']],
      ['backslash in single quotes is literal', "'a\\b' 'c\\'", ['a\\b', 'c\\']],
      ['escaped newline stays in the word (no line continuation)', 'a\\\nb', ['a\nb']],
      ['escaped space joins words', 'a\\ b', ['a b']],
      ['empty quotes make an empty argument', "a '' \"\" b", ['a', '', '', 'b']],
      ['adjacent pieces form one argument', 'a"b c"\'d\'e', ['ab cde']],
      ['shell operators are literal', 'a;b | c && $HOME `x` > f *', ['a;b', '|', 'c', '&&', '$HOME', '`x`', '>', 'f', '*']],
      ['a quote in a comment does not count', 'a # don\'t\nb', ['a', 'b']],
    ];
    for (const [what, line, words] of rows) {
      it(`${what}: ${JSON.stringify(line)}`, () => {
        assert.deepEqual(shellSplit(line), words);
      });
    }
  });

  describe('errors', () => {
    const rows: Array<[string, RegExp]> = [
      ["'open", /unbalanced quotes in "'open": the ' at position 1 is never closed/],
      ['a "open', /unbalanced quotes in "a \\"open": the " at position 3 is never closed/],
      ['"escaped at the end\\', /unbalanced quotes.* the " at position 1 is never closed/],
      ['"closed" \'open', /the ' at position 10 is never closed/],
      ['trailing\\', /"trailing\\\\" ends with an escape character/],
      ["'a' \"b\" 'c", /never closed/],
    ];
    for (const [line, message] of rows) {
      it(`refuses ${JSON.stringify(line)} and quotes it`, () => {
        assert.throws(() => shellSplit(line), (error: unknown) => {
          assert.ok(error instanceof Error);
          assert.match(error.message, message);
          assert.ok(error.message.includes(JSON.stringify(line)), error.message);
          return true;
        });
      });
    }

    it('a quote inside a comment is not an error, an unclosed one after it is', () => {
      assert.deepEqual(shellSplit("# it's fine"), []);
      assert.throws(() => shellSplit("# fine\n'not"), /never closed/);
    });
  });

  describe('arguments that are not strings', () => {
    it('splits undefined and null into nothing (Flamenco passes them as "")', () => {
      assert.deepEqual(shellSplit(undefined as unknown as string), []);
      assert.deepEqual(shellSplit(null as unknown as string), []);
    });

    it('reads numbers and booleans as their text', () => {
      assert.deepEqual(shellSplit(42 as unknown as string), ['42']);
      assert.deepEqual(shellSplit(false as unknown as string), ['false']);
    });

    it('refuses objects and arrays', () => {
      assert.throws(() => shellSplit(['a', 'b'] as unknown as string), /shellSplit: .* got an array/);
      assert.throws(() => shellSplit({} as unknown as string), /shellSplit: .* got an object/);
    });
  });
});
