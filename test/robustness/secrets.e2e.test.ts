/**
 * Everything the CLI prints with `-v` — request and retry lines, failure lines, stack traces and
 * their causes — for a push through faults, failing pushes (rejected signature, ECR exception,
 * network down) and `tag`, holds neither the secret access key nor the session token, nor any
 * Authorization header or signature value.
 */
import { describe, expect, it } from 'vitest';
import { cleanEnv, closedPort, notBuilt, runCli, type CliRun } from '../cli/run-cli.js';
import { useCliEmulator } from './cli-emulator.js';
import { FIXTURES } from './variants.js';

const skip = notBuilt();
const SOURCE = `${FIXTURES}/docker-archive.tar.gz`;
const WRONG_SECRET = 'wrongSecretKeyForTheLeakTest000000000000';

/** What must never be printed, beyond the secrets themselves. */
const SIGNING_TRACES = [/Signature=/i, /AWS4-HMAC-SHA256/, /authorization["']?\s*[:=]/i, /x-amz-security-token/i];

describe.skipIf(skip)(`no secret in -v output${skip ? ` (skipped: ${skip})` : ''}`, () => {
  const h = useCliEmulator({ repositories: [{ name: 'leak/app' }, { name: 'leak/fail' }] });

  async function cli(args: string[], env: Record<string, string> = h.emu.env): Promise<CliRun> {
    return runCli([...args, '-v'], { env: cleanEnv(env) });
  }

  it('a push through faults, three failing pushes and tag print no secret, token, signature or Authorization header', async () => {
    const { emu } = h;
    emu.addFault({ call: 'InitiateLayerUpload', times: 1, kind: { exception: 'ThrottlingException' } });
    emu.addFault({ call: 'UploadLayerPart', times: 1, kind: { reset: true } });
    const pushed = await cli([SOURCE, 'leak/app:v1']);
    emu.clearFaults();

    const badSecret = await cli([SOURCE, 'leak/fail:v1'], { ...emu.env, AWS_SECRET_ACCESS_KEY: WRONG_SECRET });
    emu.addFault({ call: 'PutImage', kind: { exception: 'KmsException', fields: { kmsError: 'key disabled' } } });
    const kms = await cli([SOURCE, 'leak/fail:v1']);
    emu.clearFaults();
    const down = await cli([SOURCE, 'leak/fail:v1', '--max-attempts', '2'], { ...emu.env, AWS_ENDPOINT_URL_ECR: `http://127.0.0.1:${await closedPort()}` });
    const tagged = await cli(['tag', 'leak/app:v1', 'v2']);
    const tagMissing = await cli(['tag', 'leak/app:no-such-tag', 'v3']);

    const runs = { pushed, badSecret, kms, down, tagged, tagMissing };
    expect(Object.fromEntries(Object.entries(runs).map(([k, r]) => [k, r.code]))).toEqual({
      pushed: 0, badSecret: 4, kms: 17, down: 5, tagged: 0, tagMissing: 25,
    });
    const printed = Object.values(runs).map((r) => `${r.stdout}\n${r.stderr}`).join('\n');
    // -v really logged requests, retried attempts and stack traces, so there was something to leak.
    expect(printed).toMatch(/request PutImage/);
    expect(printed).toMatch(/ attempt 2 /);
    expect(printed).toMatch(/\n\s+at /);
    for (const secret of [emu.credentials.secretAccessKey, emu.credentials.sessionToken, WRONG_SECRET]) {
      expect(printed.includes(secret), `output contains ${secret}`).toBe(false);
    }
    for (const trace of SIGNING_TRACES) expect(printed).not.toMatch(trace);
  }, 120_000);
});
