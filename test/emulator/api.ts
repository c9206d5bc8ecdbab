/**
 * The ECR JSON 1.1 endpoint: read and hash the body, verify SigV4, apply injected faults,
 * dispatch on X-Amz-Target, answer as ECR does, and log the call.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { BufferPool, parseInput, receiveBody, serialization, type ReceivedBody } from './body.js';
import { Downloads } from './downloads.js';
import { AwsError } from './errors.js';
import type { Faults, Injection } from './faults.js';
import { Images } from './images.js';
import { Layers } from './layers.js';
import { Repositories } from './repositories.js';
import { verifySignature, type SigningCredentials } from './sigv4.js';
import type { State } from './state.js';
import type { CallRecord } from './types.js';
import type { PartWorkers } from './workers.js';

const TARGET_PREFIX = 'AmazonEC2ContainerRegistry_V20150921.';
const JSON_TYPE = 'application/x-amz-json-1.1';

type Operation = (input: Record<string, unknown>) => unknown;

export class EcrApi {
  readonly layers: Layers;
  readonly downloads: Downloads;
  private readonly pool = new BufferPool();
  private readonly operations: Record<string, Operation>;

  constructor(
    private readonly state: State,
    private readonly credentials: SigningCredentials,
    private readonly faults: Faults,
    private readonly calls: CallRecord[],
    private readonly workers: PartWorkers,
  ) {
    this.layers = new Layers(state, workers);
    this.downloads = new Downloads(state);
    const images = new Images(state);
    const repositories = new Repositories(state);
    this.operations = {
      BatchCheckLayerAvailability: (i) => this.layers.batchCheckLayerAvailability(i),
      InitiateLayerUpload: (i) => this.layers.initiateLayerUpload(i),
      UploadLayerPart: (i) => this.layers.uploadLayerPart(i),
      CompleteLayerUpload: (i) => this.layers.completeLayerUpload(i),
      GetDownloadUrlForLayer: (i) => this.downloads.getDownloadUrlForLayer(i),
      PutImage: (i) => images.putImage(i),
      BatchGetImage: (i) => images.batchGetImage(i),
      DescribeImages: (i) => images.describeImages(i),
      CreateRepository: (i) => repositories.createRepository(i),
      DescribeRepositories: (i) => repositories.describeRepositories(i),
      GetAuthorizationToken: (i) => repositories.getAuthorizationToken(i),
    };
  }

  async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const target = String(req.headers['x-amz-target'] ?? '');
    const call = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : target;
    const record: CallRecord = { call, status: 0 };
    const injection = this.faults.pick(call);
    if (injection.failure && 'reset' in injection.failure) return this.reset(req, record);
    const arrived = performance.now();
    const timing = { bodyIn: arrived };
    const answer = await this.answer(req, call, record, injection, timing);
    if (answer === undefined) return; // the client went away mid-request
    record.handlingMs = performance.now() - timing.bodyIn;
    record.ms = performance.now() - arrived;
    record.status = answer.status;
    this.calls.push(record);
    const bytes = Buffer.from(answer.body);
    res.writeHead(answer.status, { 'Content-Type': answer.contentType, 'Content-Length': bytes.length, 'x-amzn-RequestId': randomUUID() });
    res.end(bytes);
  }

  /** Runs one call; fills in the record and returns what to answer. */
  private async answer(
    req: IncomingMessage,
    call: string,
    record: CallRecord,
    injection: Injection,
    timing: { bodyIn: number },
  ): Promise<{ status: number; body: string; contentType: string } | undefined> {
    let body: ReceivedBody | undefined;
    try {
      body = await receiveBody(req, this.pool, this.workers);
      timing.bodyIn = performance.now();
      const signed = { method: req.method ?? 'POST', url: req.url ?? '/', headers: req.headers, bodySha256: body.sha256 };
      verifySignature(signed, this.credentials, this.state.settings.region);
      if (body.problem !== undefined) throw serialization(body.problem);
      if (injection.latencyMs > 0) await sleep(injection.latencyMs);
      const operation = Object.hasOwn(this.operations, call) ? this.operations[call] : undefined;
      if (!operation) throw new AwsError('UnknownOperationException', call ? `Unknown operation ${call}` : 'Missing X-Amz-Target');
      const input = parseInput(body);
      describeInput(record, input);
      if (injection.failure && 'http500' in injection.failure) {
        Object.assign(record, { injected: true, error: 'http500' });
        return { status: 500, body: 'Internal Server Error', contentType: 'text/plain' };
      }
      if (injection.failure && 'exception' in injection.failure) {
        const { exception, message, fields } = injection.failure;
        record.injected = true;
        throw new AwsError(exception, message ?? `Injected ${exception}`, fields);
      }
      const output = await operation(input);
      record.imageDigest ??= (output as { image?: { imageId?: { imageDigest?: string } } }).image?.imageId?.imageDigest;
      return { status: 200, body: JSON.stringify(output), contentType: JSON_TYPE };
    } catch (e) {
      if (!(e instanceof AwsError) && req.destroyed) return undefined;
      const error = e instanceof AwsError ? e : new AwsError('ServerException', `Internal error: ${(e as Error).message}`);
      record.error = error.type;
      return { status: error.status, body: JSON.stringify(error.body()), contentType: JSON_TYPE };
    } finally {
      this.pool.release(body?.bytes);
    }
  }

  /** Drops the connection once the request body has started to arrive. */
  private reset(req: IncomingMessage, record: CallRecord): void {
    record.injected = true;
    record.error = 'reset';
    this.calls.push(record);
    const drop = () => req.socket.destroy();
    req.once('data', drop);
    req.once('end', drop);
  }
}

/** Copies what the call log shows from an input. */
function describeInput(record: CallRecord, input: Record<string, unknown>): void {
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const num = (v: unknown) => (typeof v === 'number' ? v : undefined);
  record.repository = str(input.repositoryName);
  if (Buffer.isBuffer(input.layerPartBlob)) record.bytes = input.layerPartBlob.length;
  record.partFirstByte = num(input.partFirstByte);
  record.partLastByte = num(input.partLastByte);
  record.imageTag = str(input.imageTag);
  record.imageDigest = str(input.imageDigest);
  for (const key of Object.keys(record) as (keyof CallRecord)[]) if (record[key] === undefined) delete record[key];
}
