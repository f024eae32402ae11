import assert from 'node:assert/strict';
import { markerOf } from '../src/logic/compile-markers.ts';

describe('studio: compile errors as editor markers', () => {
  it('uses the location the manager reports', () => {
    assert.deepEqual(markerOf({ code: 422, kind: 'script', message: 'boom', location: { file: 'x.js', line: 4, column: 0 } }, 10), { line: 4, column: 1, message: 'boom' });
  });

  it('reads a location out of the message when there is none', () => {
    assert.deepEqual(markerOf({ code: 422, kind: 'script', message: 'broken.js:3:7: nothing to render' }, 10), { line: 3, column: 7, message: 'broken.js:3:7: nothing to render' });
  });

  it('keeps the marker inside the script, and has none for errors without a place', () => {
    assert.equal(markerOf({ code: 422, kind: 'script', message: 'x', location: { file: 'x.js', line: 99, column: 2 } }, 5)!.line, 5);
    assert.equal(markerOf({ code: 422, kind: 'settings', message: 'setting "frames" is required' }, 5), undefined);
  });
});
