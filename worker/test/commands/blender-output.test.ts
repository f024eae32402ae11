import assert from 'node:assert/strict';

import { classifyBlenderLine, type BlenderLine } from '../../src/commands/blender-output.ts';

describe("Blender's output lines", () => {
  const cases: [string, BlenderLine][] = [
    ["Saved: '/render/out/frame_000001.png'", { kind: 'saved', file: '/render/out/frame_000001.png' }],
    ["Saved: 'C:\\render\\it's here.exr'", { kind: 'saved', file: "C:\\render\\it's here.exr" }],
    ["render | Saved: '/render/0007.exr'", { kind: 'saved', file: '/render/0007.exr' }],
    [' Time: 00:00.15 (Saving: 00:00.10)', { kind: 'frame-done', duration: '00:00.15' }],
    ['Time: 00:01.06', { kind: 'frame-done', duration: '00:01.06' }],
    ['render | Time: 01:02:03.04 (Saving: 00:00.20)', { kind: 'frame-done', duration: '01:02:03.04' }],
    ['skipping existing frame "/render/0001.png"', { kind: 'frame-skipped' }],
    ['Skipping existing frame "/render/0001.png"', { kind: 'frame-skipped' }],
    ['render | skipping existing frame "/render/0001.png"', { kind: 'frame-skipped' }],
    ['Fra:12 Mem:9.04M (Peak 10.83M) | Time:00:00.00 | Scene, ViewLayer | Sample 1/4', { kind: 'frame-progress', frame: 12 }],
    ['render | Fra:7 Mem:12.1M | Sample 16/16', { kind: 'frame-progress', frame: 7 }],
    ["Error: Cannot read file '/render/missing.blend': No such file or directory", { kind: 'error' }],
    ['Error: Python: Traceback (most recent call last):', { kind: 'error' }],
    ['Traceback (most recent call last):', { kind: 'error' }],
    ['  File "<string>", line 3, in setup', { kind: 'error' }],
    ["ValueError: no camera named 'Hero'", { kind: 'error' }],
    ['bpy.types.RuntimeException: nope', { kind: 'error' }],
    ['Blender 3.4.1', { kind: 'other' }],
    ['Read blend: /render/scene.blend', { kind: 'other' }],
    ['Fra:1 Mem:9.95M | Time:00:00.05 | Finished', { kind: 'frame-progress', frame: 1 }],
    ['Blender quit', { kind: 'other' }],
    ["Info: Saved 'scene.blend'", { kind: 'other' }],
    ['', { kind: 'other' }],
  ];
  for (const [line, meaning] of cases) {
    it(`${JSON.stringify(line)} → ${meaning.kind}`, () => {
      assert.deepEqual(classifyBlenderLine(line), meaning);
    });
  }
});
