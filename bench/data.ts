/**
 * Benchmark inputs, generated from a fixed AES-CTR keystream so every run and machine gets the
 * same bytes: "noise" (incompressible, like already-compressed files) and "text" (word soup that
 * deflate shrinks to about a third, like the text and code in a typical layer).
 */
import crypto from 'node:crypto';

export type DataKind = 'noise' | 'text';

const CHUNK = 1024 * 1024;

/** A deterministic keystream of `size` bytes, in 1 MiB chunks. */
function* keystream(seed: string, size: number): Generator<Buffer> {
  const key = crypto.createHash('sha256').update(seed).digest().subarray(0, 16);
  const cipher = crypto.createCipheriv('aes-128-ctr', key, Buffer.alloc(16));
  const zeros = Buffer.alloc(CHUNK);
  for (let done = 0; done < size; done += CHUNK) yield cipher.update(zeros.subarray(0, Math.min(CHUNK, size - done)));
}

/** Pseudo-words of 2–9 letters and a separator, most ending in a space, some in a newline. */
function vocabulary(seed: string): Buffer[] {
  const bytes = keystream(`${seed}/words`, 64 * 1024).next().value as Buffer;
  const words: Buffer[] = [];
  let i = 0;
  while (words.length < 4096) {
    const length = 2 + (bytes[i++]! % 8);
    const word = Buffer.allocUnsafe(length + 1);
    for (let j = 0; j < length; j++) word[j] = 97 + (bytes[i++]! % 26);
    word[length] = words.length % 16 === 0 ? 10 : 32;
    words.push(word);
  }
  return words;
}

/** 1 MiB of word soup: words picked by the keystream, skewed toward the start of the vocabulary. */
function corpus(seed: string): Buffer {
  const words = vocabulary(seed);
  const random = keystream(`${seed}/corpus`, CHUNK).next().value as Buffer;
  const out = Buffer.allocUnsafe(CHUNK);
  let length = 0;
  for (let i = 0; length < out.length; i = (i + 2) % (random.length - 1)) {
    const r = (random[i]! | (random[i + 1]! << 8)) / 65536;
    length += words[Math.floor(r * r * words.length)]!.copy(out, length);
  }
  return out;
}

/**
 * Text in 1 MiB chunks: 4 KiB slices of the corpus at keystream-chosen offsets. Deflate sees 32 KiB
 * at a time, so the repeats from afar do not make it compress better than the corpus itself.
 */
function* textChunks(seed: string, size: number): Generator<Buffer> {
  const text = corpus(seed);
  const slice = 4096;
  for (const random of keystream(seed, size)) {
    const out = Buffer.allocUnsafe(random.length);
    for (let offset = 0, i = 0; offset < out.length; offset += slice, i += 4) {
      const from = random.readUInt32LE(i) % (text.length - slice);
      text.copy(out, offset, from, from + Math.min(slice, out.length - offset));
    }
    yield out;
  }
}

/** `size` bytes of the given kind, in chunks of at most 1 MiB. Same seed, same bytes. */
export function generate(kind: DataKind, size: number, seed: string): Generator<Buffer> {
  return kind === 'noise' ? keystream(seed, size) : textChunks(seed, size);
}
