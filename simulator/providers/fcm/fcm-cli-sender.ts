// `pushsim push --service fcm`: a service account minted on the simulator (POST /api/fcm/service-accounts) for the
// app's Firebase project, its OAuth access token, then HTTP v1 messages:send with --payload as the message and the
// device's token added.
import { fcmAccessToken, sendFcm } from '../../senders/index.js';
import type { CliSender, CliSendRequest, CliSendResult } from '../service-module.js';
import type { ServiceAccountJson } from './fcm-auth.js';

async function sendFromCli(request: CliSendRequest): Promise<CliSendResult> {
  const project = request.flags.project ?? request.app?.fcmProject;
  const account = await request.controlPost<ServiceAccountJson>(
    'fcm/service-accounts',
    project ? { projectId: project } : {},
  );
  request.note(`pushsim: sent as a newly minted service account ${account.client_email}`);
  const bearer = await fcmAccessToken(request.url, request.ca, account);
  const message = { ...request.payload };
  if (!('token' in message) && !('topic' in message) && !('condition' in message)) message.token = request.token;
  const answer = await sendFcm(request.url, request.ca, bearer, account.project_id, { message });
  const name = typeof answer.body?.name === 'string' ? (answer.body.name as string) : undefined;
  const isAccepted = answer.status === 200;
  return {
    status: answer.status,
    body: typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body),
    isAccepted,
    // A push to one token is in the ledger under the id at the end of the message's name (fcm-server.ts).
    pushIds: isAccepted && 'token' in message && name ? [name.slice(name.lastIndexOf('/') + 1)] : [],
  };
}

export const fcmCliSender = {
  flags: [
    {
      flag: '--project <id>',
      description: "with --service fcm: the Firebase project to send as (default: the app's, else pushsim's default)",
    },
  ],
  defaultPayload: { notification: { title: 'pushsim', body: 'Hello from pushsim' } },
  send: sendFromCli,
} as const satisfies CliSender;
