import { describe, expect, it } from 'vitest';
import { openSource } from '../../src/image/open.js';
import type { ManifestNode } from '../../src/image/types.js';
import { bigImage } from '../helpers/big-image.js';

const big = bigImage();

describe('the 45 MiB test image', () => {
  it.skipIf(big.skip !== undefined)(`has one layer of more than 45 MiB that streams verified${big.skip ? ` (skipped: ${big.skip})` : ''}`, async () => {
    const source = await openSource(big.layout!);
    const m = source.images[0]!.root as ManifestNode;
    expect(m.layers).toHaveLength(1);
    const layer = m.layers[0]!;
    expect(layer.size).toBeGreaterThan(45 * 1024 * 1024);
    expect(layer.size).toBeLessThan(46 * 1024 * 1024);
    let read = 0;
    for await (const chunk of source.blobs.open(layer)) read += (chunk as Buffer).length;
    expect(read).toBe(layer.size);
    await source.close();
  });
});
