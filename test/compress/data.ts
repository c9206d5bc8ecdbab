/** Deterministic test inputs: the same seed always gives the same bytes. */

/** Bytes from a xorshift32 generator: incompressible for deflate. */
export function noise(size: number, seed = 1): Buffer {
  const out = Buffer.allocUnsafe(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

const WORDS = ['layer', 'manifest', 'digest', 'sha256', 'config', 'usr', 'lib', 'bin', 'share', 'etc', 'the', 'of', 'push', 'registry', 'blob', 'index', '0', '42', 'x86_64', '\n'];

/** Words picked by a seeded generator: compresses to roughly a third. */
export function text(size: number, seed = 7): Buffer {
  const picks = noise(size, seed);
  const parts: string[] = [];
  let length = 0;
  for (let i = 0; length < size; i++) {
    const word = WORDS[picks[i % size]! % WORDS.length]!;
    parts.push(word, ' ');
    length += word.length + 1;
  }
  return Buffer.from(parts.join('')).subarray(0, size);
}
