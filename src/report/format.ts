/** Small text helpers shared by the reporters. */

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** `1536` → `1.5 KiB`; whole bytes below 1 KiB. */
export function formatBytes(n: number): string {
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${UNITS[unit]}`;
}

/** Bytes per second over `ms` milliseconds, as `3.2 MiB/s`. */
export function formatRate(bytes: number, ms: number): string {
  if (ms <= 0) return '';
  return `${formatBytes(Math.round((bytes * 1000) / ms))}/s`;
}

/** `sha256:0123456789ab…` → `sha256:0123456789ab` (12 hex digits: enough to tell blobs apart). */
export function shortDigest(digest: string): string {
  const [algo, hex] = digest.split(':');
  return hex === undefined ? digest : `${algo}:${hex.slice(0, 12)}`;
}

/** Seconds with one decimal. */
export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

/** Drop terminal escape sequences and turn other control characters (CR, newlines) into a space: one clean line. */
export function oneLine(text: string): string {
  return text
    // eslint-disable-next-line no-control-regex
    .replace(/\u001b\[[0-9;?]*[ -/]*[@-~]/g, '')
    // eslint-disable-next-line no-control-regex
    .replace(/\s*[\u0000-\u001f\u007f-\u009f]+\s*/g, ' ')
    .trim();
}
