// Raw requests to pushsim's FCM endpoint (HTTP/1.1 over TLS) for tests that need byte-level control, and a helper that
// gets an OAuth access token the way google-auth-library does (JWT-bearer grant with a service account).
import https from 'node:https';
import { createPrivateKey, sign } from 'node:crypto';

export interface HttpAnswer {
  status: number;
  body: string;
  json?: any;
}

export function post(
  url: string,
  ca: string,
  body: string | Buffer,
  headers: Record<string, string> = {},
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const request = https.request(
      url,
      { method: 'POST', ca, headers: { 'content-type': 'application/json', ...headers } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (c: Buffer) => chunks.push(c));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: response.statusCode ?? 0, body: text, json });
        });
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

export async function accessToken(
  fcmUrl: string,
  ca: string,
  account: { client_email: string; private_key: string; private_key_id: string },
): Promise<string> {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const unsigned = `${part({ alg: 'RS256', typ: 'JWT', kid: account.private_key_id })}.${part({ iss: account.client_email, scope: 'https://www.googleapis.com/auth/firebase.messaging', aud: 'https://oauth2.googleapis.com/token', iat: now, exp: now + 3600 })}`;
  const assertion = `${unsigned}.${sign('sha256', Buffer.from(unsigned), createPrivateKey(account.private_key)).toString('base64url')}`;
  const answer = await post(
    `${fcmUrl}/token`,
    ca,
    new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }).toString(),
    { 'content-type': 'application/x-www-form-urlencoded' },
  );
  if (answer.status !== 200) throw new Error(`token endpoint answered ${answer.status}: ${answer.body}`);
  return answer.json.access_token as string;
}
