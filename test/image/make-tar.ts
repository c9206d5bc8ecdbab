/** Write small tar files for tests with tar-stream (a dependency of the project). */
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';

export type TarItem =
  | { name: string; data: Buffer | string }
  | { name: string; symlink: string }
  | { name: string; hardlink: string }
  | { name: string; dir: true };

export async function writeTar(path: string, items: TarItem[]): Promise<void> {
  const pack = tar.pack();
  const done = pipeline(pack, createWriteStream(path));
  for (const item of items) {
    if ('data' in item) pack.entry({ name: item.name }, typeof item.data === 'string' ? Buffer.from(item.data) : item.data);
    else if ('symlink' in item) pack.entry({ name: item.name, type: 'symlink', linkname: item.symlink });
    else if ('hardlink' in item) pack.entry({ name: item.name, type: 'link', linkname: item.hardlink });
    else pack.entry({ name: item.name, type: 'directory' });
  }
  pack.finalize();
  await done;
}
