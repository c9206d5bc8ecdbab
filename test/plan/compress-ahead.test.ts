/** Compressing layers ahead of sending, to learn their digests on a runner whose cache is empty. */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { CompressedRef, CompressionCache } from '../../src/plan/cache.js';
import { aheadOfSending, worthCompressingAhead } from '../../src/plan/compress-ahead.js';
import { makePlan, type PlannedBlob } from '../../src/plan/plan.js';
import { streamReader } from '../helpers/readers.js';
import { desc, manifest, OCI_CONFIG, OCI_TAR, OCI_TGZ } from './nodes.js';

const sha256 = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

function memoryCache(entries: [string, CompressedRef][] = []): CompressionCache & { entries: Map<string, CompressedRef> } {
  const map = new Map(entries);
  return { entries: map, get: (d) => map.get(d), set: (d, v) => void map.set(d, v), save: async () => undefined };
}

const big = desc('big', OCI_TAR, 9000);
const mid = desc('mid', OCI_TAR, 5000);
const small = desc('small', OCI_TAR, 1000);
const kept = desc('kept', OCI_TGZ, 7000);
const plan = makePlan(manifest(desc('c', OCI_CONFIG), [big, mid, small, kept]));
/** What each layer "compresses" to in these tests: bytes derived from its digest. */
const output = (blob: PlannedBlob): Buffer => Buffer.from(`compressed ${blob.source.digest}\n`.repeat(3000));
const open = (blob: PlannedBlob) => streamReader(Readable.from([output(blob)]));
const refOf = (blob: PlannedBlob): CompressedRef => ({ digest: sha256(output(blob)), size: output(blob).length });
const blobOf = (d: { digest: string }): PlannedBlob => plan.blobs.find((b) => b.source.digest === d.digest) as PlannedBlob;

describe('which layers are worth compressing ahead', () => {
  it('picks the layers to gzip that the cache does not know and whose content the stored image has', () => {
    const stored = new Map([big, mid, kept].map((d) => [d.digest, refOf(blobOf(d))]));
    const cache = memoryCache([[mid.digest, refOf(blobOf(mid))]]);
    expect(worthCompressingAhead(plan, cache, stored).map((b) => b.source.digest)).toEqual([big.digest]);
  });
});

describe('compressing ahead', () => {
  const live = new AbortController().signal;

  it('records what a chosen layer compresses to in the cache, and gives it back when it is the stored layer', async () => {
    const blob = blobOf(big);
    const cache = memoryCache();
    const ahead = aheadOfSending([blob], new Map([[big.digest, refOf(blob)]]), open, cache);
    expect(ahead.wants(blob)).toBe(true);
    expect(ahead.wants(blobOf(mid))).toBe(false);
    expect(await ahead.compress(blob, live)).toEqual(refOf(blob));
    expect(cache.entries).toEqual(new Map([[big.digest, refOf(blob)]]));
  });

  it('once a layer compresses to another digest than the stored one, gives nothing back and wants no further layer', async () => {
    const layers = [big, mid].map(blobOf);
    const cache = memoryCache();
    const ahead = aheadOfSending(layers, new Map(layers.map((b) => [b.source.digest, { digest: `sha256:${'0'.repeat(64)}`, size: 1 }])), open, cache);
    expect(await ahead.compress(layers[0]!, live)).toBeUndefined();
    expect(cache.entries.get(big.digest)).toEqual(refOf(layers[0]!));
    expect(ahead.wants(layers[1]!)).toBe(false);
  });

  it('stops when the push is aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('interrupted'));
    const blob = blobOf(big);
    await expect(aheadOfSending([blob], new Map(), open, memoryCache()).compress(blob, controller.signal)).rejects.toThrow('interrupted');
  });
});
