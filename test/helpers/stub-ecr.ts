/**
 * A stand-in for the ECR SDK client: records every command (name without `Command`, and its
 * input) and answers through a handler, so tests can assert exact call sequences.
 */
import { ECRServiceException } from '@aws-sdk/client-ecr';
import type { EcrSender } from '../../src/ecr/client.js';
import type { PushEvent } from '../../src/events.js';
import type { Transport } from '../../src/ecr/transport.js';

export interface StubCall {
  call: string;
  input: Record<string, unknown>;
}

export type StubHandler = (call: string, input: Record<string, unknown>, calls: StubCall[]) => unknown;

export interface StubClient extends EcrSender {
  calls: StubCall[];
}

export function stubClient(handler: StubHandler): StubClient {
  const calls: StubCall[] = [];
  const send = async (command: { input: Record<string, unknown> }): Promise<unknown> => {
    const call = command.constructor.name.replace(/Command$/, '');
    calls.push({ call, input: command.input });
    return handler(call, command.input, calls);
  };
  return { calls, send: send as unknown as EcrSender['send'] };
}

/** An error shaped like the SDK's service exceptions (name, $fault, $metadata, extra fields). */
export function ecrException(name: string, fields: Record<string, unknown> = {}, status = 400): ECRServiceException {
  const err = new ECRServiceException({
    name, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status }, message: `${name} (stub)`,
  });
  return Object.assign(err, fields);
}

/** A transport over a stub client, collecting events. */
export function stubTransport(client: StubClient, repositoryName = 'app'): Transport & { events: PushEvent[] } {
  const events: PushEvent[] = [];
  return { client, repositoryName, onEvent: (e) => events.push(e), events };
}
