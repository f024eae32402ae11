import assert from 'node:assert/strict';

import {
  concatListInputArguments,
  concatListText,
  formatFps,
  framesToVideoArguments,
  globInputArguments,
} from '../../src/commands/ffmpeg-arguments.ts';

describe("FFmpeg's command line for frames-to-video", () => {
  it('writes the FPS in its shortest form', () => {
    assert.equal(formatFps(24), '24');
    assert.equal(formatFps(23.976), '23.976');
    assert.equal(formatFps(29.97), '29.97');
    assert.equal(formatFps(0.5), '0.5');
  });

  it('is exeArgs, argsBefore, the input, args, the output frame rate and the output file', () => {
    const video = { exeArgs: ['-hide_banner'], argsBefore: ['-loglevel', 'warning'], fps: 24, outputFile: '/render/preview.mp4', args: ['-c:v', 'h264', '-y'] };
    assert.deepEqual(framesToVideoArguments(video, ['-i', 'input']), [
      '-hide_banner', '-loglevel', 'warning', '-i', 'input', '-c:v', 'h264', '-y', '-r', '24', '/render/preview.mp4',
    ]);
  });

  it('passes a glob with the input frame rate, with forward slashes', () => {
    assert.deepEqual(globInputArguments('R:\\render\\shot\\*.png', 23.976), ['-r', '23.976', '-pattern_type', 'glob', '-i', 'R:/render/shot/*.png']);
    assert.deepEqual(globInputArguments('/render/shot/*.png', 24), ['-r', '24', '-pattern_type', 'glob', '-i', '/render/shot/*.png']);
  });

  it('reads a concat list with absolute paths allowed', () => {
    assert.deepEqual(concatListInputArguments('C:\\render\\ffmpeg-file-index.txt'), ['-f', 'concat', '-safe', '0', '-i', 'C:\\render\\ffmpeg-file-index.txt']);
  });

  it('lists each frame for one frame time, quoting what FFmpeg would misread', () => {
    assert.equal(
      concatListText(['C:\\render\\0001.png', "C:\\render\\it's\\0002.png"], 24),
      "file 'C:\\render\\0001.png'\nduration 0.041667\nfile 'C:\\render\\it'\\''s\\0002.png'\nduration 0.041667\n",
    );
  });
});
