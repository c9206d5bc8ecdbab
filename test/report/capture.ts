/** A writable stream that keeps what was written, for reporter tests. */
import { Writable } from 'node:stream';

export interface Captured extends Writable {
  text(): string;
}

export function captureStream(): Captured {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  }) as Captured;
  stream.text = () => chunks.join('');
  return stream;
}
