// pushsim's own FCM sender: an OAuth access token from a service account (the JWT-bearer grant google-auth-library
// makes) and messages:send over HTTPS, with Google's answer back. Used by scenario steps.
import https from 'node:https';
import { createPrivateKey, sign } from 'node:crypto';

export interface FcmAnswer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: the answer's JSON, read by scenario expectations through JSONPath
  body: any;
  errorCode?: string;
}

/** POSTs over HTTPS; pass a keep-alive `agent` to reuse connections (a fresh TLS connection per request otherwise). */
export function postJson(
  url: string,
  ca: string,
  body: string,
  headers: Record<string, string>,
  agent: https.Agent | false = false,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = https.request(
      url,
      { method: 'POST', ca, headers: { 'content-type': 'application/json', ...headers }, agent },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (c: Buffer) => chunks.push(c));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

export async function fcmAccessToken(
  fcmUrl: string,
  ca: string,
  account: { client_email: string; private_key: string; private_key_id: string },
  nowMs = Date.now(),
): Promise<string> {
  const part = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(nowMs / 1000);
  const unsigned = `${part({ alg: 'RS256', typ: 'JWT', kid: account.private_key_id })}.${part({ iss: account.client_email, scope: 'https://www.googleapis.com/auth/firebase.messaging', aud: 'https://oauth2.googleapis.com/token', iat: now, exp: now + 3600 })}`;
  const assertion = `${unsigned}.${sign('sha256', Buffer.from(unsigned), createPrivateKey(account.private_key)).toString('base64url')}`;
  const answer = await postJson(
    `${fcmUrl}/token`,
    ca,
    new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }).toString(),
    { 'content-type': 'application/x-www-form-urlencoded' },
  );
  if (answer.status !== 200) throw new Error(`the token endpoint answered ${answer.status}: ${answer.text}`);
  return (JSON.parse(answer.text) as { access_token: string }).access_token;
}

/** messages:send; without an access token the request goes unauthenticated (to see Google's 401). */
export async function sendFcm(
  fcmUrl: string,
  ca: string,
  accessToken: string | undefined,
  project: string,
  body: unknown,
  agent: https.Agent | false = false,
): Promise<FcmAnswer> {
  const answer = await postJson(
    `${fcmUrl}/v1/projects/${project}/messages:send`,
    ca,
    JSON.stringify(body),
    accessToken ? { authorization: `Bearer ${accessToken}` } : {},
    agent,
  );
  // biome-ignore lint/suspicious/noExplicitAny: the answer's JSON, read by scenario expectations through JSONPath
  let json: any;
  try {
    json = JSON.parse(answer.text);
  } catch {
    json = answer.text;
  }
  const errorCode =
    json?.error?.details?.find(
      (d: { '@type': string }) => d['@type'] === 'type.googleapis.com/google.firebase.fcm.v1.FcmError',
    )?.errorCode ?? json?.error?.status;
  return { status: answer.status, body: json, ...(errorCode ? { errorCode } : {}) };
}
