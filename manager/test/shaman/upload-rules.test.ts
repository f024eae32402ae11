import assert from 'node:assert/strict';
import { apiDocument } from '../../src/http/api-document.ts';
import type { StreamedOperationId } from '../../src/http/operation-types.ts';
import { formatGoDuration, parseGoDuration } from '../../src/shaman/go-duration.ts';
import { blobKey, shamanLayout, storedBlobPath, uploadPath } from '../../src/shaman/store-layout.ts';
import { decodeOriginalFilename, parseCanDefer } from '../../src/shaman/upload-headers.ts';

describe('Shaman upload rules', () => {
  it('lays files out as Flamenco does, checksums in lower case', () => {
    const layout = shamanLayout('/farm');
    assert.deepEqual(layout, { stored: '/farm/file-store/stored', uploading: '/farm/file-store/uploading', checkouts: '/farm/jobs' });
    const blob = { sha: 'AB' + 'c'.repeat(62), size: 1234 };
    assert.equal(storedBlobPath(layout, blob), `/farm/file-store/stored/ab/${'c'.repeat(62)}/1234.blob`);
    assert.equal(uploadPath(layout, blob, 'x1'), `/farm/file-store/uploading/ab/${'c'.repeat(62)}/1234-x1.tmp`);
    assert.equal(blobKey(blob), blobKey({ sha: blob.sha.toLowerCase(), size: 1234 }));
    assert.notEqual(blobKey(blob), blobKey({ ...blob, size: 1235 }));
  });

  it('streams the upload body: the document marks the operation the handler types give a stream', () => {
    const streamed = Object.values(apiDocument().paths)
      .flatMap((item) => Object.values(item))
      .filter((operation) => operation['x-tablao-streamed-body'] === true)
      .map((operation) => operation.operationId);
    const typed: StreamedOperationId[] = ['shamanFileStore'];
    assert.deepEqual(streamed, typed);
  });

  it('reads Go durations and writes them as Go does', () => {
    const cases: [string, number | undefined][] = [
      ['24h0m0s', 24 * 3_600_000],
      ['744h', 744 * 3_600_000],
      ['1h30m', 90 * 60_000],
      ['90s', 90_000],
      ['1.5s', 1500],
      ['250ms', 250],
      ['0', 0],
      ['0s', 0],
      ['', undefined],
      ['24', undefined],
      ['1d', undefined],
      ['-1h', undefined],
      ['h', undefined],
    ];
    for (const [text, ms] of cases) assert.equal(parseGoDuration(text), ms, text);
    assert.equal(formatGoDuration(24 * 3_600_000), '24h0m0s');
    assert.equal(formatGoDuration(744 * 3_600_000), '744h0m0s');
    assert.equal(formatGoDuration(90_000), '1m30s');
    assert.equal(formatGoDuration(0), '0s');
    assert.equal(formatGoDuration(250), '250ms');
    for (const ms of [0, 250, 1000, 61_000, 3_600_000, 744 * 3_600_000 + 5000]) assert.equal(parseGoDuration(formatGoDuration(ms)), ms);
  });

  it('reads X-Shaman-Can-Defer-Upload as Go reads a boolean', () => {
    assert.equal(parseCanDefer(undefined), false);
    for (const yes of ['true', 'True', 'TRUE', '1', 't']) assert.equal(parseCanDefer(yes), true, yes);
    for (const no of ['false', '0', 'F']) assert.equal(parseCanDefer(no), false, no);
    assert.equal(parseCanDefer('yes'), undefined);
  });

  it('decodes X-Shaman-Original-Filename: ASCII or RFC 2047 UTF-8', () => {
    assert.equal(decodeOriginalFilename('shots/sc010.blend'), 'shots/sc010.blend');
    const name = 'plans/café — ñandú.blend';
    assert.equal(decodeOriginalFilename(`=?UTF-8?B?${Buffer.from(name).toString('base64')}?=`), name);
    assert.equal(decodeOriginalFilename('=?utf-8?q?caf=C3=A9_1.blend?='), 'café 1.blend');
    assert.equal(decodeOriginalFilename('=?UTF-8?B?YWI=?= =?UTF-8?B?Y2Q=?='), 'abcd', 'space between encoded words is dropped');
    assert.equal(decodeOriginalFilename('=?ISO-8859-1?Q?caf=E9?='), undefined);
    assert.equal(decodeOriginalFilename(`=?UTF-8?B?${Buffer.from([0xff, 0xfe]).toString('base64')}?=`), undefined);
  });
});
