import type { RetagOptions } from './options.js';
import type { PushResult } from './events.js';

/** Add tags to an image already in ECR. (Placeholder until the ECR transport lands.) */
export async function retag(_opts: RetagOptions): Promise<PushResult> {
  throw new Error('retag is not implemented yet');
}
