import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { BodyBuffers } from '../../src/ecr/body-buffers.js';
import { uploadBlob, type BlobToSend } from '../../src/ecr/upload.js';
import { streamReader } from '../helpers/readers.js';
import { ecrException, fakeEcr, stubClient, stubTransport, type StubCall, type StubHandler } from '../helpers/stub-ecr.js';

const MiB = 1024 * 1024;
const digestOf = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

function blobOf(bytes: Buffer, chunk = 64 * 1024): BlobToSend {
  return {
    label: digestOf(bytes),
    digest: digestOf(bytes),
    open: () => streamReader(Readable.from((function* () {
      for (let i = 0; i < bytes.length; i += chunk) yield bytes.subarray(i, i + chunk);
    })())),
  };
}

/** A fake ECR whose first attempt at the part starting at 5 MiB goes to `fail` instead. */
function secondPartFailsOnce(fail: (ok: StubHandler, input: Record<string, unknown>, calls: StubCall[]) => unknown): StubHandler {
  const ok = fakeEcr();
  let failed = false;
  return (call, input, calls) => {
    if (call === 'UploadLayerPart' && input.partFirstByte === 5 * MiB && !failed) {
      failed = true;
      return fail(ok, input, calls);
    }
    return ok(call, input, calls);
  };
}

const ranges = (calls: StubCall[]): [unknown, unknown][] =>
  calls.filter((c) => c.call === 'UploadLayerPart').map((c) => [c.input.partFirstByte, c.input.partLastByte]);

describe('uploading one blob', () => {
  it('sends a 45 MiB blob as 20 + 20 + 5 MiB parts with contiguous inclusive ranges, then completes with its digest', async () => {
    const bytes = randomBytes(45 * MiB);
    const client = stubClient(fakeEcr());
    const out = await uploadBlob(stubTransport(client), blobOf(bytes));
    expect(client.calls.map((c) => c.call)).toEqual([
      'InitiateLayerUpload', 'UploadLayerPart', 'UploadLayerPart', 'UploadLayerPart', 'CompleteLayerUpload',
    ]);
    expect(ranges(client.calls)).toEqual([[0, 20 * MiB - 1], [20 * MiB, 40 * MiB - 1], [40 * MiB, 45 * MiB - 1]]);
    expect(client.calls.at(-1)?.input.layerDigests).toEqual([digestOf(bytes)]);
    expect(out).toEqual({ digest: digestOf(bytes), size: bytes.length, alreadyExisted: false });
  });

  it('uses the smaller part size ECR returns: 45 MiB in 10 MiB parts is five parts', async () => {
    const client = stubClient(fakeEcr(10 * MiB));
    await uploadBlob(stubTransport(client), blobOf(randomBytes(45 * MiB)));
    expect(ranges(client.calls).map(([a, b]) => Number(b) - Number(a) + 1)).toEqual([10, 10, 10, 10, 5].map((n) => n * MiB));
  });

  it('lets --part-size override what ECR returns', async () => {
    const client = stubClient(fakeEcr(20 * MiB));
    await uploadBlob(stubTransport(client), blobOf(randomBytes(12 * MiB)), { partSize: 5 * MiB });
    expect(ranges(client.calls)).toHaveLength(3);
  });

  it('counts LayerAlreadyExistsException at completion as success', async () => {
    const ok = fakeEcr();
    const client = stubClient((call, input, calls) => {
      if (call === 'CompleteLayerUpload') throw ecrException('LayerAlreadyExistsException');
      return ok(call, input, calls);
    });
    const bytes = randomBytes(1000);
    expect(await uploadBlob(stubTransport(client), blobOf(bytes))).toEqual({ digest: digestOf(bytes), size: 1000, alreadyExisted: true });
  });

  it('fails when ECR computes a different digest than the one sent', async () => {
    const client = stubClient((call, input, calls) => call === 'CompleteLayerUpload'
      ? { layerDigest: `sha256:${'0'.repeat(64)}` }
      : fakeEcr()(call, input, calls));
    await expect(uploadBlob(stubTransport(client), blobOf(randomBytes(100)))).rejects.toMatchObject({ name: 'InvalidLayerException' });
  });

  it('re-sends a part after a connection reset, and says so in a retry event', async () => {
    const client = stubClient(secondPartFailsOnce(() => {
      throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    }));
    const t = stubTransport(client);
    const bytes = randomBytes(12 * MiB);
    const out = await uploadBlob(t, blobOf(bytes), { partSize: 5 * MiB, baseMs: 1 });
    expect(ranges(client.calls)).toEqual([[0, 5 * MiB - 1], [5 * MiB, 10 * MiB - 1], [5 * MiB, 10 * MiB - 1], [10 * MiB, 12 * MiB - 1]]);
    expect(out.digest).toBe(digestOf(bytes));
    expect(t.events.filter((e) => e.type === 'retry')).toHaveLength(1);
  });

  it('resumes from lastValidByteReceived + 1 after InvalidLayerPartException', async () => {
    const client = stubClient(secondPartFailsOnce((ok, input, calls) => {
      // ECR kept the first 1000 bytes of this part.
      const kept = Buffer.from(input.layerPartBlob as Uint8Array).subarray(0, 1000);
      ok('UploadLayerPart', { ...input, layerPartBlob: kept, partLastByte: 5 * MiB + 999 }, calls);
      throw ecrException('InvalidLayerPartException', { lastValidByteReceived: 5 * MiB + 999 });
    }));
    const bytes = randomBytes(10 * MiB);
    const out = await uploadBlob(stubTransport(client), blobOf(bytes), { partSize: 5 * MiB, baseMs: 1 });
    expect(ranges(client.calls)).toEqual([[0, 5 * MiB - 1], [5 * MiB, 10 * MiB - 1], [5 * MiB + 1000, 10 * MiB - 1]]);
    expect(out.digest).toBe(digestOf(bytes));
  });

  it('restarts the blob with a new upload after UploadNotFoundException', async () => {
    const client = stubClient(secondPartFailsOnce(() => {
      throw ecrException('UploadNotFoundException');
    }));
    const bytes = randomBytes(8 * MiB);
    const out = await uploadBlob(stubTransport(client), blobOf(bytes), { partSize: 5 * MiB, baseMs: 1 });
    expect(client.calls.map((c) => c.call)).toEqual([
      'InitiateLayerUpload', 'UploadLayerPart', 'UploadLayerPart',
      'InitiateLayerUpload', 'UploadLayerPart', 'UploadLayerPart', 'CompleteLayerUpload',
    ]);
    expect(client.calls[4]?.input.uploadId).toBe('u2');
    expect(out.digest).toBe(digestOf(bytes));
  });

  it('gives up on a part after the bounded number of attempts', async () => {
    const ok = fakeEcr();
    const client = stubClient((call, input, calls) => {
      if (call === 'UploadLayerPart') throw ecrException('ServerException', {}, 500);
      return ok(call, input, calls);
    });
    await expect(uploadBlob(stubTransport(client), blobOf(randomBytes(100)), { partAttempts: 3, baseMs: 1 }))
      .rejects.toMatchObject({ name: 'ServerException' });
    expect(ranges(client.calls)).toHaveLength(3);
  });

  it('never completes an upload whose source stream fails part way', async () => {
    const client = stubClient(fakeEcr());
    const blob: BlobToSend = {
      label: 'sha256:x',
      open: () => streamReader(Readable.from((async function* () {
        yield randomBytes(6 * MiB);
        throw new Error('corrupt layer');
      })())),
    };
    await expect(uploadBlob(stubTransport(client), blob, { partSize: 5 * MiB })).rejects.toThrow('corrupt layer');
    expect(client.calls.map((c) => c.call)).not.toContain('CompleteLayerUpload');
  });

  it('sends a source blob without hashing it again: ECR\'s check at completion is the verification', async () => {
    const bytes = randomBytes(10 * MiB);
    const client = stubClient(fakeEcr());
    let checked = 0;
    const out = await uploadBlob(stubTransport(client), { ...blobOf(bytes), checkSource: async () => void checked++ }, { partSize: 5 * MiB });
    expect(out.digest).toBe(digestOf(bytes));
    expect(client.calls.at(-1)?.input.layerDigests).toEqual([digestOf(bytes)]);
    expect(checked).toBe(0);
  });

  it('when ECR refuses a source blob\'s digest, checks the source: a corrupt source is reported as such', async () => {
    const bytes = randomBytes(6 * MiB);
    const claimed = `sha256:${'a'.repeat(64)}`;
    const corrupt = new Error(`blob ${claimed} in image.tar does not match its digest`);
    const upload = (checkSource: () => Promise<void>) => {
      // fakeEcr computes the digest of what it received and refuses the claimed one (InvalidLayerException).
      const client = stubClient(fakeEcr());
      const run = uploadBlob(stubTransport(client), { ...blobOf(bytes), label: claimed, digest: claimed, checkSource }, { partSize: 5 * MiB });
      return { client, run };
    };
    const bad = upload(async () => {
      throw corrupt;
    });
    await expect(bad.run).rejects.toBe(corrupt);
    expect(bad.client.calls.map((c) => c.call)).toContain('CompleteLayerUpload');
    // The source reads back fine: then ECR's own error stands.
    const good = upload(async () => undefined);
    await expect(good.run).rejects.toMatchObject({ name: 'InvalidLayerException' });
  });

  it('refuses to complete a blob that is empty instead of provoking EmptyUploadException', async () => {
    const client = stubClient(fakeEcr());
    await expect(uploadBlob(stubTransport(client), { label: 'sha256:e', open: () => streamReader(Readable.from([])) }))
      .rejects.toMatchObject({ name: 'InputError' });
    expect(client.calls.map((c) => c.call)).not.toContain('CompleteLayerUpload');
  });

  it('reads the next part while the previous one is in flight', async () => {
    let reads = 0;
    let readsWhenFirstPartSent = -1;
    const ok = fakeEcr();
    const client = stubClient(async (call, input, calls) => {
      if (call === 'UploadLayerPart' && input.partFirstByte === 0) {
        await new Promise((r) => setTimeout(r, 50));
        readsWhenFirstPartSent = reads;
      }
      return ok(call, input, calls);
    });
    const chunk = randomBytes(MiB);
    const blob: BlobToSend = {
      label: 'sha256:r',
      open: () => streamReader(Readable.from((function* () {
        for (let i = 0; i < 15; i++) {
          reads++;
          yield chunk;
        }
      })())),
    };
    await uploadBlob(stubTransport(client), blob, { partSize: 5 * MiB });
    // While part 1 (chunks 1-5) was in flight, part 2 (chunks 6-10) was read, but not part 3.
    expect(readsWhenFirstPartSent).toBeGreaterThanOrEqual(10);
    expect(readsWhenFirstPartSent).toBeLessThan(15);
  });

  it('keeps the uploads of a push within its shared body buffers: never more parts in flight than buffers', async () => {
    let inFlight = 0;
    let most = 0;
    const ok = fakeEcr();
    const client = stubClient(async (call, input, calls) => {
      if (call !== 'UploadLayerPart') return ok(call, input, calls);
      most = Math.max(most, ++inFlight);
      await new Promise((r) => setTimeout(r, 20));
      inFlight--;
      return ok(call, input, calls);
    });
    const buffers = new BodyBuffers(2);
    const blobs = [randomBytes(12 * MiB), randomBytes(11 * MiB), randomBytes(7 * MiB)];
    const out = await Promise.all(blobs.map((b) => uploadBlob(stubTransport(client), blobOf(b), { partSize: 5 * MiB, buffers })));
    expect(out.map((o) => o.digest)).toEqual(blobs.map(digestOf));
    expect(most).toBe(2);
  });
});
