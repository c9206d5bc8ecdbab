/**
 * A local stand-in for Amazon ECR: the JSON API a push uses (SigV4-checked), the registry read
 * side for pulling back, fault injection and a call log. Start it with startEmulator().
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EcrApi } from './api.js';
import { DOWNLOAD_PATH } from './downloads.js';
import { Faults } from './faults.js';
import { serveRegistry } from './registry.js';
import { State } from './state.js';
import type { AbsentLayerMode, CallRecord, Emulator, EmulatorOptions } from './types.js';
import { PartWorkers } from './workers.js';

export type { AbsentLayerMode, CallRecord, Emulator, EmulatorOptions, Fault, FaultKind, TagMutability } from './types.js';

/** Fixed test credentials; the emulator accepts only these (session token included). */
export const EMULATOR_CREDENTIALS = Object.freeze({
  accessKeyId: 'ASIAEMULATOR00000001',
  secretAccessKey: 'emulatorSecretAccessKey0000000000000000',
  sessionToken: 'emulator-session-token',
});

const DEFAULT_PART_SIZE = 20_971_520;
const DEFAULT_MIN_PART_SIZE = 5 * 1024 * 1024;

export async function startEmulator(opts: EmulatorOptions = {}): Promise<Emulator> {
  const ownDir = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'ecr-emulator-')));
  await mkdir(join(dataDir, 'blobs'), { recursive: true });
  await mkdir(join(dataDir, 'uploads'), { recursive: true });
  const region = opts.region ?? 'us-east-1';
  const accountId = opts.accountId ?? '123456789012';
  const state = new State(
    {
      region,
      accountId,
      partSize: checkPartSize(opts.partSize ?? DEFAULT_PART_SIZE),
      minPartSize: opts.minPartSize ?? DEFAULT_MIN_PART_SIZE,
      absentLayers: opts.absentLayers ?? 'UNAVAILABLE',
      endpoint: '',
    },
    dataDir,
  );
  for (const r of opts.repositories ?? []) state.createRepository(r.name, r.imageTagMutability, r.exclusionFilters);
  const calls: CallRecord[] = [];
  const faults = new Faults(opts.seed ?? 1);
  const workers = new PartWorkers();
  await workers.start();
  const api = new EcrApi(state, EMULATOR_CREDENTIALS, faults, calls, workers);

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.url?.startsWith('/v2')) serveRegistry(state, req, res);
    else if (req.url?.startsWith(DOWNLOAD_PATH)) api.downloads.serve(req, res);
    else api.serve(req, res).catch(() => res.destroy()); // never an unhandled rejection in the test process
  });
  // Longer than the SDK's idle sockets are kept, so a reused connection is never closed under a request.
  server.keepAliveTimeout = 65_000;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
    });
  } catch (err) {
    await workers.stop();
    if (ownDir) await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
  const { port } = server.address() as AddressInfo;
  const registryHost = `127.0.0.1:${port}`;
  const endpoint = `http://${registryHost}`;
  state.settings.endpoint = endpoint;

  return {
    endpoint,
    registryHost,
    region,
    accountId,
    credentials: { ...EMULATOR_CREDENTIALS },
    env: {
      AWS_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secretAccessKey,
      AWS_SESSION_TOKEN: EMULATOR_CREDENTIALS.sessionToken,
      AWS_REGION: region,
      AWS_ENDPOINT_URL_ECR: endpoint,
    },
    calls,
    addFault: (f) => faults.add(f),
    clearFaults: () => faults.clear(),
    faultStats: () => ({ injected: faults.injected }),
    createRepository: (name, mutability, exclusionFilters) => void state.createRepository(name, mutability, exclusionFilters),
    removeRepository: async (name) => {
      await api.layers.dropUploads(name);
      await state.removeRepository(name);
    },
    setPartSize: (n) => void (state.settings.partSize = checkPartSize(n)),
    setAbsentLayers: (mode: AbsentLayerMode) => void (state.settings.absentLayers = mode),
    blobDigests: (repository) => [...(state.repositories.get(repository)?.blobs ?? [])].sort(),
    tags: (repository) => Object.fromEntries(state.repositories.get(repository)?.tags ?? []),
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await api.layers.settle();
      await workers.stop();
      if (ownDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

function checkPartSize(n: number): number {
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`partSize must be a positive integer, got ${n}`);
  return n;
}
