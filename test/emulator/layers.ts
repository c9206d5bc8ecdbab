/**
 * The layer calls: BatchCheckLayerAvailability and the upload sequence InitiateLayerUpload →
 * UploadLayerPart… → CompleteLayerUpload. Parts are appended to a file on disk and hashed as they
 * arrive, on the upload's worker thread; each part must start right after the last byte received.
 */
import { randomUUID } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import { AwsError, invalidParameter } from './errors.js';
import { requiredLong, requiredString, requiredStringList } from './input.js';
import type { Repository, State } from './state.js';
import type { PartWorkers } from './workers.js';

type Input = Record<string, unknown>;

/** Any well-formed digest (algorithm:hex); the ones ECR can store are sha256. */
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-fA-F0-9]{32,}$/;

interface Upload {
  id: string;
  /** The repository it was initiated in: a repository removed and made again is another one. */
  repository: Repository;
  partSize: number;
  minPartSize: number;
  /** The file the parts are appended to. */
  path: string;
  /** The worker thread that hashes and appends this upload's parts, in order. */
  thread: number;
  /** Bytes accepted so far; the next part must start here. */
  received: number;
  partSizes: number[];
  /** Every part handed to the thread so far hashed and written. */
  writing: Promise<unknown>;
}

export class Layers {
  private readonly uploads = new Map<string, Upload>();

  constructor(
    private readonly state: State,
    private readonly workers: PartWorkers,
  ) {}

  batchCheckLayerAvailability(input: Input): unknown {
    const repo = this.state.repository(input);
    const digests = requiredStringList(input, 'layerDigests', 1, 100);
    const layers: unknown[] = [];
    const failures: unknown[] = [];
    for (const layerDigest of digests) {
      if (!DIGEST.test(layerDigest)) {
        failures.push({ layerDigest, failureCode: 'InvalidLayerDigest', failureReason: 'Invalid layer digest' });
      } else if (repo.blobs.has(layerDigest)) {
        layers.push({ layerDigest, layerAvailability: 'AVAILABLE', layerSize: this.state.blobSizes.get(layerDigest) });
      } else if (this.state.settings.absentLayers === 'UNAVAILABLE') {
        layers.push({ layerDigest, layerAvailability: 'UNAVAILABLE' });
      } else {
        failures.push({ layerDigest, failureCode: 'MissingLayerDigest', failureReason: 'Could not find layer with digest' });
      }
    }
    return { layers, failures };
  }

  async initiateLayerUpload(input: Input): Promise<unknown> {
    const repo = this.state.repository(input);
    const id = randomUUID();
    const path = this.state.uploadPath(id);
    const { partSize, minPartSize } = this.state.settings;
    await writeFile(path, '');
    const upload: Upload = {
      id,
      repository: repo,
      partSize,
      minPartSize: Math.min(minPartSize, partSize),
      path,
      thread: this.workers.assignUpload(),
      received: 0,
      partSizes: [],
      writing: Promise.resolve(),
    };
    this.uploads.set(id, upload);
    return { uploadId: id, partSize };
  }

  async uploadLayerPart(input: Input): Promise<unknown> {
    const repo = this.state.repository(input);
    const upload = this.upload(repo, input);
    const first = requiredLong(input, 'partFirstByte');
    const last = requiredLong(input, 'partLastByte');
    const blob = input.layerPartBlob;
    if (!Buffer.isBuffer(blob)) throw invalidParameter("Invalid parameter at 'layerPartBlob' failed to satisfy constraint: 'must not be null'");
    const rejectPart = (message: string) =>
      new AwsError('InvalidLayerPartException', message, {
        registryId: this.state.settings.accountId,
        repositoryName: repo.name,
        uploadId: upload.id,
        lastValidByteReceived: upload.received - 1,
      });
    if (first !== upload.received) {
      throw rejectPart(`The layer part first byte ${first} does not follow the last byte received ${upload.received - 1}`);
    }
    if (blob.length === 0 || last - first + 1 !== blob.length) {
      throw rejectPart(`The layer part range ${first}-${last} does not match the ${blob.length} bytes sent`);
    }
    if (blob.length > upload.partSize) {
      throw rejectPart(`The layer part size ${blob.length} exceeds the maximum part size ${upload.partSize}`);
    }
    upload.received += blob.length;
    upload.partSizes.push(blob.length);
    const appended = this.workers.run({ kind: 'append', upload: upload.id, path: upload.path, data: blob }, upload.thread);
    upload.writing = Promise.all([upload.writing, appended]);
    await upload.writing;
    return { registryId: this.state.settings.accountId, repositoryName: repo.name, uploadId: upload.id, lastByteReceived: last };
  }

  async completeLayerUpload(input: Input): Promise<unknown> {
    const repo = this.state.repository(input);
    const upload = this.upload(repo, input);
    const [requested] = requiredStringList(input, 'layerDigests', 1, 100) as [string];
    if (upload.partSizes.length === 0) {
      throw new AwsError('EmptyUploadException', `The specified layer upload does not contain any layer parts. Upload id: ${upload.id}`);
    }
    const small = upload.partSizes.slice(0, -1).findIndex((n) => n < upload.minPartSize);
    if (small >= 0) {
      throw new AwsError(
        'LayerPartTooSmallException',
        `Layer part ${small + 1} is ${upload.partSizes[small]} bytes; every part but the last must be at least ${upload.minPartSize} bytes`,
      );
    }
    // From here the upload is used up, whatever the outcome.
    this.uploads.delete(upload.id);
    await upload.writing;
    const computed = `sha256:${(await this.workers.run({ kind: 'digest', upload: upload.id }, upload.thread)).sha256}`;
    if (computed !== requested) {
      await rm(upload.path, { force: true });
      throw new AwsError(
        'InvalidLayerException',
        `The layer digest calculation performed by Amazon ECR upon receipt of the image layer does not match the digest specified: computed ${computed}, specified ${requested}`,
      );
    }
    if (repo.blobs.has(computed)) {
      await rm(upload.path, { force: true });
      throw new AwsError(
        'LayerAlreadyExistsException',
        `The layer with digest '${computed}' already exists in the repository with name '${repo.name}' in registry with id '${this.state.settings.accountId}'`,
      );
    }
    if (this.state.repositories.get(repo.name) !== repo) {
      // Removed while this upload was being finished.
      await rm(upload.path, { force: true });
      throw this.state.repositoryNotFound(repo.name);
    }
    await rename(upload.path, this.state.blobPath(computed));
    repo.blobs.add(computed);
    this.state.blobSizes.set(computed, upload.received);
    return { registryId: this.state.settings.accountId, repositoryName: repo.name, uploadId: upload.id, layerDigest: computed };
  }

  /** Forgets the unfinished uploads of a repository being removed, and deletes their files. */
  async dropUploads(repositoryName: string): Promise<void> {
    const dropped = [...this.uploads.values()].filter((u) => u.repository.name === repositoryName);
    for (const u of dropped) this.uploads.delete(u.id);
    await Promise.allSettled(dropped.map((u) => u.writing));
    await Promise.all(dropped.map((u) => rm(u.path, { force: true })));
  }

  /** Waits for the writes still running (on stop). */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.uploads.values()].map((u) => u.writing));
    this.uploads.clear();
  }

  private upload(repo: Repository, input: Input): Upload {
    const id = requiredString(input, 'uploadId');
    const upload = this.uploads.get(id);
    if (!upload || upload.repository !== repo) {
      throw new AwsError(
        'UploadNotFoundException',
        `The upload with id '${id}' does not exist in the repository with name '${repo.name}' in registry with id '${this.state.settings.accountId}'`,
      );
    }
    return upload;
  }
}
