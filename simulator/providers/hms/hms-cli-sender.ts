// `pushsim push --service hms`: a Push Kit app minted on the simulator (POST /api/hms/apps, for the app's package)
// unless --app-id and --client-secret name one, its client-credentials access token, then messages:send with
// --payload as the message and the device's token added.
import type { CliSender, CliSendRequest, CliSendResult } from '../service-module.js';
import { hmsAccessToken, sendHms } from './hms-sender.js';

async function sendFromCli(request: CliSendRequest): Promise<CliSendResult> {
  const { appId, clientSecret } = request.flags;
  if (Boolean(appId) !== Boolean(clientSecret))
    throw new Error('--app-id and --client-secret go together; pass both, or neither to mint a Push Kit app');
  const app =
    appId && clientSecret
      ? { appId, clientSecret }
      : await request.controlPost<{ appId: string; clientSecret: string }>(
          'hms/apps',
          request.app ? { packageName: request.app.bundleId } : {},
        );
  if (!appId) request.note(`pushsim: sent as a newly minted Push Kit app ${app.appId}`);
  const bearer = await hmsAccessToken(request.url, request.ca, app.appId, app.clientSecret);
  const message = { ...request.payload };
  const isToTokens = !('topic' in message) && !('condition' in message);
  if (isToTokens && !('token' in message)) message.token = [request.token];
  const answer = await sendHms(request.url, request.ca, bearer, app.appId, { validate_only: false, message });
  const requestId = typeof answer.body?.requestId === 'string' ? (answer.body.requestId as string) : undefined;
  const isAccepted = answer.code === '80000000';
  const isOneToken = isToTokens && Array.isArray(message.token) && message.token.length === 1;
  return {
    status: answer.status,
    body: typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body),
    isAccepted,
    // One token: the push's ledger id is the request id (several are `<requestId>#<index>`, hms-server.ts).
    pushIds: isAccepted && isOneToken && requestId ? [requestId] : [],
  };
}

export const hmsCliSender = {
  flags: [
    { flag: '--app-id <id>', description: 'with --service hms: the Push Kit app ID (default: pushsim mints an app)' },
    { flag: '--client-secret <secret>', description: 'with --service hms: the client secret of --app-id' },
  ],
  // Push Kit refuses a notification without click_action (80100001); type 3 opens the app.
  defaultPayload: {
    notification: { title: 'pushsim', body: 'Hello from pushsim' },
    android: { notification: { click_action: { type: 3 } } },
  },
  send: sendFromCli,
} as const satisfies CliSender;
