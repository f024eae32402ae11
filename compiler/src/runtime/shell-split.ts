// `shellSplit(line)` of the authoring API. Flamenco 3 implements it with
// github.com/google/shlex `Split` (version e7afc7fbc510, the last one); this is a port of that
// lexer's behaviour, quirks included, so that scripts get the same argument lists.
//
// This function is injected into the job-type sandbox as source text (`fn.toString()`), so
// this module holds nothing but self-contained `export function` declarations: no imports, no
// module-level values, no Node APIs.

/**
 * Splits a command line into arguments with shell-like quoting. Throws on an unclosed quote or
 * a line that ends in an unquoted escape character. `undefined`/`null` give `[]` (Flamenco's
 * goja runtime passes them as ""), numbers and booleans are split as their text.
 *
 * google/shlex quirks matched on purpose (they differ from a POSIX shell):
 * 1. Only space, tab, CR and LF separate words; other whitespace (\v, \f, no-break space) is
 *    part of a word.
 * 2. `#` starts a comment only where a word could start (line start or after whitespace); the
 *    comment runs to the next LF and splitting resumes after it: `a #b\nc` → [a, c]. Inside a
 *    word or quotes `#` is literal: `a#b` → [a#b], `"#"` → [#], `""#x` → [#x].
 * 3. Inside double quotes a backslash escapes *any* character and is dropped: `"a\b"` → [ab]
 *    (a shell keeps it before anything but $ ` " \ and newline).
 * 4. Inside single quotes a backslash is literal: `'a\'` → [a\].
 * 5. An unquoted backslash before a newline keeps the newline in the word (no line
 *    continuation): `a\<LF>b` → ["a<LF>b"].
 * 6. Quotes that open and close with nothing inside still make an argument: `a '' b` →
 *    [a, "", b]; adjacent quoted and unquoted pieces form one argument: `a"b c"'d'` → [ab cd].
 * 7. Nothing else is special: `$`, backticks, `;`, `|`, `&`, `<`, `>`, `*`, `~`, `=` are literal.
 * 8. An error fails the whole split (shlex returns an error; Flamenco turns it into an
 *    exception), so no partial list is returned.
 */
export function shellSplit(line: string): string[] {
  const input: unknown = line;
  let text: string;
  if (typeof input === 'string') {
    text = input;
  } else if (input === undefined || input === null) {
    text = '';
  } else if (typeof input === 'number' || typeof input === 'boolean' || typeof input === 'bigint') {
    text = String(input);
  } else {
    const shown = Array.isArray(input) ? 'an array' : typeof input === 'object' ? 'an object' : `a ${typeof input}`;
    throw new Error(`shellSplit: the command line must be a string, got ${shown}`);
  }

  // States: between words, in a bare word, right after a bare `\`, in "...", right after a `\`
  // in "...", in '...', in a comment.
  type State = 'between' | 'word' | 'escape' | 'double' | 'doubleEscape' | 'single' | 'comment';
  let state: State = 'between';
  const words: string[] = [];
  let word = '';
  let quoteAt = 0; // where the quote that is open now was opened, for the error message

  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    const isSpace = c === ' ' || c === '\t' || c === '\r' || c === '\n';
    switch (state) {
      case 'between':
      case 'word':
        if (isSpace) {
          if (state === 'word') {
            words.push(word);
            word = '';
            state = 'between';
          }
        } else if (c === '"' || c === "'") {
          state = c === '"' ? 'double' : 'single';
          quoteAt = i;
        } else if (c === '\\') {
          state = 'escape';
        } else if (c === '#' && state === 'between') {
          state = 'comment';
        } else {
          word += c;
          state = 'word';
        }
        break;
      case 'escape':
        word += c;
        state = 'word';
        break;
      case 'double':
        if (c === '"') {
          state = 'word';
        } else if (c === '\\') {
          state = 'doubleEscape';
        } else {
          word += c;
        }
        break;
      case 'doubleEscape':
        word += c;
        state = 'double';
        break;
      case 'single':
        if (c === "'") {
          state = 'word';
        } else {
          word += c;
        }
        break;
      case 'comment':
        if (c === '\n') state = 'between';
        break;
    }
  }

  switch (state) {
    case 'word':
      words.push(word);
      break;
    case 'escape':
      throw new Error(
        `shellSplit: ${JSON.stringify(text)} ends with an escape character (\\) that has nothing to escape`,
      );
    case 'double':
    case 'doubleEscape':
    case 'single':
      throw new Error(
        `shellSplit: unbalanced quotes in ${JSON.stringify(text)}: the ${state === 'single' ? "'" : '"'} ` +
          `at position ${quoteAt + 1} is never closed`,
      );
    default:
      break;
  }
  return words;
}
