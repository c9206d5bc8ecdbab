import type { InspectOptions } from './options.js';

/** Describe what would be pushed, without touching AWS. (Placeholder until image sources land.) */
export async function inspect(_opts: InspectOptions): Promise<unknown> {
  throw new Error('inspect is not implemented yet');
}
