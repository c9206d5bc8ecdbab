/** Counts a robustness test reads from the environment, so a longer run needs no code change. */
export function envCount(name: string, fallback: number): number {
  const raw = process.env[name];
  const n = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${name} must be a whole number, got ${raw}`);
  return n;
}
