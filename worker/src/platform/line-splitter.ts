import { StringDecoder } from 'node:string_decoder';

// A process's output arrives in chunks that cut lines (and UTF-8 characters) anywhere. This
// turns the chunks back into lines. A line ends at `\n`, `\r\n` or a lone `\r`: FFmpeg and
// other tools redraw a status line with `\r`, and each redraw is worth a line in the task log.
// An endless line is cut into pieces so that one runaway line cannot fill the memory.

export const MAX_LINE_LENGTH = 64 * 1024;

export interface LineSplitter {
  push(chunk: Buffer): void;
  /** Emits what is left after the last line end; call once the stream has ended. */
  end(): void;
}

export function lineSplitter(onLine: (line: string) => void, maxLineLength = MAX_LINE_LENGTH): LineSplitter {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  // A chunk that ends in `\r` may continue with the `\n` of the same line end.
  let skipNextNewline = false;

  function take(text: string): void {
    let start = 0;
    if (skipNextNewline && text.startsWith('\n')) start = 1;
    skipNextNewline = false;
    for (let index = start; index < text.length; index++) {
      const character = text[index];
      if (character !== '\n' && character !== '\r') continue;
      onLine(pending + text.slice(start, index));
      pending = '';
      if (character === '\r') {
        if (index + 1 === text.length) skipNextNewline = true;
        else if (text[index + 1] === '\n') index++;
      }
      start = index + 1;
    }
    pending += text.slice(start);
    while (pending.length > maxLineLength) {
      onLine(pending.slice(0, maxLineLength));
      pending = pending.slice(maxLineLength);
    }
  }

  return {
    push(chunk) {
      take(decoder.write(chunk));
    },
    end() {
      take(decoder.end());
      if (pending !== '') onLine(pending);
      pending = '';
    },
  };
}
