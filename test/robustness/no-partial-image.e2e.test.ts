/**
 * When faults outlast every retry on a call that comes before PutImage, the push fails with its
 * table code, shows its retries with -v, and never calls PutImage: no tag points at a partial image.
 */
import { describe, expect, it } from 'vitest';
import type { FaultKind } from '../emulator/index.js';
import { cleanEnv, notBuilt, runCli } from '../cli/run-cli.js';
import { isAwsExceptionName } from '../../src/errors.js';
import { useCliEmulator } from './cli-emulator.js';
import { trailingName } from './failure-lines.js';
import { FIXTURES } from './variants.js';

const skip = notBuilt();

/** The call that always fails, how, the exit code and error name, and the -v line of a retry. */
const CASES: [string, FaultKind, number, string, RegExp][] = [
  ['InitiateLayerUpload', { reset: true }, 5, 'NetworkError', /request InitiateLayerUpload attempt 2 /],
  ['UploadLayerPart', { reset: true }, 5, 'NetworkError', /retry part of sha256:\w+ \(attempt 2/],
  ['UploadLayerPart', { exception: 'UploadNotFoundException' }, 23, 'UploadNotFoundException', /retry blob sha256:\w+ .*starting a new upload/],
  ['CompleteLayerUpload', { exception: 'ServerException' }, 18, 'ServerException', /request CompleteLayerUpload attempt 2 /],
];

describe.skipIf(skip)(`retries exhausted before PutImage${skip ? ` (skipped: ${skip})` : ''}`, () => {
  const h = useCliEmulator();

  it.for(CASES)('every %s failing (%o): exit %i, retries logged, no PutImage, no tag', async ([call, kind, code, name, retried]) => {
    const { emu } = h;
    const repo = h.newRepo('partial');
    emu.addFault({ call, kind });
    const run = await runCli([`${FIXTURES}/oci-layout`, `${repo}:v1`, '-v', '--max-attempts', '2'], { env: cleanEnv(emu.env), timeoutMs: 120_000 });
    emu.clearFaults();
    expect(run.code, run.stderr).toBe(code);
    // With -v the stack follows the failure line (that is what -v is for); the line itself is one.
    const lines = run.stderr.split('\n').filter((l) => l.startsWith('ecr-push: '));
    expect(lines.map(trailingName)).toEqual([isAwsExceptionName(name) ? name : undefined]);
    expect(run.stderr).toMatch(retried);
    expect(emu.calls.filter((c) => c.repository === repo && c.call === 'PutImage')).toEqual([]);
    expect(emu.tags(repo)).toEqual({});
  });
});
