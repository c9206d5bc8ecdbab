/**
 * Read a real fixture archive entry by entry with tar-stream and write an edited copy, so broken
 * variants are derived from tool-made archives instead of written by hand.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import tar, { type Header } from 'tar-stream';

export interface TarEntry {
  header: Partial<Header> & Pick<Header, 'name'>;
  /** The entry's data (empty for links and directories). */
  data: Buffer;
}

/** Every entry of the tar at `file`, in archive order. */
export async function readTar(file: string): Promise<TarEntry[]> {
  const extract = tar.extract();
  const entries: TarEntry[] = [];
  // tar-stream's streams are streamx streams: stream-compatible, though their types differ from Node's.
  const reading = pipeline(createReadStream(file), extract as unknown as NodeJS.WritableStream);
  for await (const entry of extract) {
    const chunks: Buffer[] = [];
    for await (const chunk of entry) chunks.push(chunk as Buffer);
    entries.push({ header: { ...entry.header }, data: Buffer.concat(chunks) });
  }
  await reading;
  return entries;
}

/** Write `entries` as a tar at `file`; sizes are taken from the data. */
export async function writeTarEntries(file: string, entries: TarEntry[]): Promise<void> {
  const pack = tar.pack();
  const writing = pipeline(pack as unknown as NodeJS.ReadableStream, createWriteStream(file));
  for (const { header, data } of entries) {
    if (header.type === undefined || header.type === 'file') pack.entry({ ...header, size: data.length }, data);
    else pack.entry({ ...header, size: 0 });
  }
  pack.finalize();
  await writing;
}

/** Copy the tar `from` to `to` with `edit` applied to its list of entries. */
export async function editTar(from: string, to: string, edit: (entries: TarEntry[]) => TarEntry[]): Promise<string> {
  await writeTarEntries(to, edit(await readTar(from)));
  return to;
}

/** The entry named `name`; throws when the fixture has no such entry (the fixture changed). */
export function entryNamed(entries: TarEntry[], name: string): TarEntry {
  const found = entries.find((e) => e.header.name === name);
  if (!found) throw new Error(`the fixture has no entry ${name}: ${entries.map((e) => e.header.name).join(', ')}`);
  return found;
}
