// pushsim's own Push Kit sender, as a backend sends: the client-credentials grant for an access token, then
// messages:send over HTTPS with Huawei's `{code, msg, requestId}` answer back. Used by the `hms` scenario step.
import type https from 'node:https';
import { postJson } from '../../senders/index.js';

export interface HmsAnswer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: the answer's JSON, read by scenario expectations through JSONPath
  body: any;
  code?: string;
}

export async function hmsAccessToken(
  hmsUrl: string,
  ca: string,
  clientId: string,
  clientSecret: string,
  agent: https.Agent | false = false,
): Promise<string> {
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: clientId,
    client_secret: clientSecret,
  }).toString();
  const answer = await postJson(
    `${hmsUrl}/oauth2/v3/token`,
    ca,
    form,
    { 'content-type': 'application/x-www-form-urlencoded' },
    agent,
  );
  if (answer.status !== 200) throw new Error(`the HMS token endpoint answered ${answer.status}: ${answer.text}`);
  return (JSON.parse(answer.text) as { access_token: string }).access_token;
}

/** messages:send; without an access token the request goes unauthenticated (to see 80200001). */
export async function sendHms(
  hmsUrl: string,
  ca: string,
  accessToken: string | undefined,
  appId: string,
  body: unknown,
  agent: https.Agent | false = false,
): Promise<HmsAnswer> {
  const answer = await postJson(
    `${hmsUrl}/v1/${encodeURIComponent(appId)}/messages:send`,
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
  return {
    status: answer.status,
    body: json,
    ...(typeof json?.code === 'string' ? { code: json.code as string } : {}),
  };
}
