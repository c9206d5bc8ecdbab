/** Reading a small blob back through GetDownloadUrlForLayer: every failure only costs the saving it was for. */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStoredBlob } from '../../src/ecr/download.js';
import { ecrException, stubClient, stubTransport } from '../helpers/stub-ecr.js';

const sha256 = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const config = Buffer.from(JSON.stringify({ rootfs: { type: 'layers', diff_ids: [] } }));
let server: Server;
let base = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/config') return void res.end(config);
    if (req.url === '/other') return void res.end(Buffer.from('other bytes'));
    if (req.url === '/hang') return; // never answers, as a URL a runner has no route to
    res.writeHead(403).end('<Error><Code>AccessDenied</Code></Error>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => {
  server.closeAllConnections();
  server.close(() => resolve());
}));

function transportAnswering(path: string | Error) {
  return stubTransport(stubClient((call) => {
    expect(call).toBe('GetDownloadUrlForLayer');
    if (path instanceof Error) throw path;
    return { downloadUrl: `${base}${path}`, layerDigest: sha256(config) };
  }));
}

describe('reading a stored config back', () => {
  it('gives the bytes the URL serves when they are of the digest asked for, asking for that digest in the repository', async () => {
    const t = transportAnswering('/config');
    expect(await readStoredBlob(t, sha256(config), 1024)).toEqual(config);
    expect((t.client as ReturnType<typeof stubClient>).calls[0]?.input).toEqual({ repositoryName: 'app', layerDigest: sha256(config) });
  });

  it('gives nothing for bytes of another digest, more bytes than allowed, a refused URL, or a denied call', async () => {
    expect(await readStoredBlob(transportAnswering('/other'), sha256(config), 1024)).toBeUndefined();
    expect(await readStoredBlob(transportAnswering('/config'), sha256(config), config.length - 1)).toBeUndefined();
    expect(await readStoredBlob(transportAnswering('/expired'), sha256(config), 1024)).toBeUndefined();
    expect(await readStoredBlob(transportAnswering(ecrException('AccessDeniedException')), sha256(config), 1024)).toBeUndefined();
  });

  it('gives up on a URL that does not answer by the deadline, so the push goes on', async () => {
    const started = Date.now();
    expect(await readStoredBlob(transportAnswering('/hang'), sha256(config), 1024, 200)).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('asks nothing for a digest that is not sha256', async () => {
    const t = transportAnswering('/config');
    expect(await readStoredBlob(t, `sha512:${'a'.repeat(128)}`, 1024)).toBeUndefined();
    expect((t.client as ReturnType<typeof stubClient>).calls).toEqual([]);
  });
});
