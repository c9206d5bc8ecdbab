/**
 * The 45 MiB test image (one gzip layer of 47,192,969 bytes: 45 MiB of random data plus gzip and
 * tar overhead), too big to commit. `scripts/make-fixtures.sh big DIR` makes it with umoci; this
 * helper runs that once per machine and reuses the result from the system temp directory.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'scripts', 'make-fixtures.sh');
/** Bump when the script's big image changes, so a stale cached copy is not reused. */
const VERSION = 1;

export type BigImage = { layout: string; skip?: undefined } | { layout?: undefined; skip: string };

function missingTool(): string | undefined {
  return ['umoci', 'openssl', 'jq'].find((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0);
}

/** Path of an OCI layout directory holding the big image (tag `v1`), or why it cannot be made. */
export function bigImage(): BigImage {
  const cached = join(tmpdir(), `ecr-push-big-image-v${VERSION}`);
  const layout = join(cached, 'oci-layout');
  if (existsSync(join(layout, 'index.json'))) return { layout };
  const tool = missingTool();
  if (tool) return { skip: `${tool} is not installed, so the 45 MiB image cannot be made` };
  const work = mkdtempSync(join(tmpdir(), 'ecr-push-big-build-'));
  try {
    execFileSync('bash', [SCRIPT, 'big', work], { stdio: ['ignore', 'ignore', 'pipe'] });
    try {
      renameSync(work, cached);
    } catch {
      // Another test process finished first; its copy is identical.
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return { layout };
}
