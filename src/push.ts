import type { PushOptions } from './options.js';
import type { PushResult } from './events.js';

/** Push a local image to ECR. (Placeholder until the push pipeline lands.) */
export async function push(_opts: PushOptions): Promise<PushResult> {
  throw new Error('push is not implemented yet');
}
