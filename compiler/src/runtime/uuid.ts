// Task UUIDs are made inside the sandbox, which has no crypto. The host seeds a xoshiro128**
// generator with 128 random bits per compile, so UUIDs are unique across compiles.
// (Runtime module: function declarations only, no imports; see sandbox/runtime-source.ts.)

export function createUuidGenerator(seed: number[]): () => string {
  let s0 = seed[0] >>> 0 || 0x9e3779b9;
  let s1 = seed[1] >>> 0 || 0x243f6a88;
  let s2 = seed[2] >>> 0 || 0xb7e15162;
  let s3 = seed[3] >>> 0 || 0x85a308d3;

  function next(): number {
    const result = Math.imul(rotateLeft(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotateLeft(s3, 11);
    return result;
  }

  function rotateLeft(x: number, k: number): number {
    return (x << k) | (x >>> (32 - k));
  }

  const hex: string[] = [];
  for (let i = 0; i < 256; i++) hex.push((i < 16 ? '0' : '') + i.toString(16));

  function hex4(x: number): string {
    return hex[(x >>> 8) & 0xff] + hex[x & 0xff];
  }

  return function uuid(): string {
    const a = next();
    const b = next();
    const c = next();
    const d = next();
    return (
      hex4(a >>> 16) + hex4(a) + '-' + hex4(b >>> 16) + '-' + hex4((b & 0x0fff) | 0x4000) + '-' +
      hex4(((c >>> 16) & 0x3fff) | 0x8000) + '-' + hex4(c) + hex4(d >>> 16) + hex4(d)
    );
  };
}
