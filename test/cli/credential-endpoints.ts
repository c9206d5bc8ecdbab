/**
 * Stand-ins for the services the AWS SDK's default credential chain asks for credentials: STS
 * (AssumeRoleWithWebIdentity), the SSO portal (GetRoleCredentials), the ECS container endpoint and
 * EC2 instance metadata (IMDSv2). Each hands out the same credentials and records the call.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

export interface CredentialEndpoints {
  url: string;
  /** `METHOD path` of every request, in order. */
  calls: string[];
  stop(): Promise<void>;
}

const EXPIRES = new Date(Date.now() + 3_600_000);
const ROLE = 'ecr-push-test-role';

function stsXml(c: Credentials): string {
  return `<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleWithWebIdentityResult>
<Credentials><AccessKeyId>${c.accessKeyId}</AccessKeyId><SecretAccessKey>${c.secretAccessKey}</SecretAccessKey>
<SessionToken>${c.sessionToken}</SessionToken><Expiration>${EXPIRES.toISOString()}</Expiration></Credentials>
</AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>`;
}

/** Body and content type for a request, or undefined for 404. */
function answer(method: string, path: string, c: Credentials): [string, string] | undefined {
  const ecsStyle = JSON.stringify({ Code: 'Success', AccessKeyId: c.accessKeyId, SecretAccessKey: c.secretAccessKey, Token: c.sessionToken, Expiration: EXPIRES.toISOString() });
  if (method === 'POST' && path === '/') return [stsXml(c), 'text/xml'];
  if (method === 'GET' && path.startsWith('/federation/credentials')) {
    const roleCredentials = { ...c, expiration: EXPIRES.getTime() };
    return [JSON.stringify({ roleCredentials }), 'application/json'];
  }
  if (method === 'GET' && path === '/ecs-credentials') return [ecsStyle, 'application/json'];
  if (method === 'PUT' && path === '/latest/api/token') return ['imds-session-token', 'text/plain'];
  if (method === 'GET' && path === '/latest/meta-data/iam/security-credentials/') return [ROLE, 'text/plain'];
  if (method === 'GET' && path === `/latest/meta-data/iam/security-credentials/${ROLE}`) return [ecsStyle, 'text/plain'];
  return undefined;
}

export async function startCredentialEndpoints(credentials: Credentials): Promise<CredentialEndpoints> {
  const calls: string[] = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const path = req.url ?? '/';
      calls.push(`${req.method} ${path.split('?')[0]}`);
      const found = answer(req.method ?? 'GET', path, credentials);
      res.writeHead(found ? 200 : 404, { 'content-type': found?.[1] ?? 'text/plain' });
      res.end(found?.[0] ?? 'not found');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
