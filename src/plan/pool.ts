/**
 * A fixed number of workers share one list of jobs. The first failure aborts the others (through
 * the signal each job receives); every worker is awaited before that first error is rethrown, so
 * nothing keeps running after the pool returns.
 */
export async function runPool<T>(
  items: readonly T[],
  workers: number,
  parent: AbortSignal | undefined,
  job: (item: T, signal: AbortSignal) => Promise<void>,
): Promise<void> {
  const controller = new AbortController();
  const forward = (): void => controller.abort(parent?.reason);
  if (parent?.aborted) forward();
  parent?.addEventListener('abort', forward, { once: true });
  let next = 0;
  let firstError: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (!controller.signal.aborted && next < items.length) {
      const item = items[next++] as T;
      try {
        await job(item, controller.signal);
      } catch (error) {
        firstError ??= { error };
        controller.abort(error);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(workers, items.length) }, worker));
  } finally {
    parent?.removeEventListener('abort', forward);
  }
  if (firstError) throw firstError.error;
  if (parent?.aborted) throw parent.reason;
}
