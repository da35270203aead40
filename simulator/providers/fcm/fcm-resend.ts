// How FCM answers a message of the ledger sent again (POST /api/pushes/{id}/resend): a new message id
// (`0:<time><hex>%<hex>`, FCM's spelling), 200 with the message's resource name, 404 UNREGISTERED for a token no app
// owns any more (docs/reference/fcm.md#errors). A message FCM took to a Live Activity (`apns.live_activity_token`)
// is not sent again: the ledger keeps its registration token, not the activity's token.
import { randomBytes } from 'node:crypto';
import type { PushResend } from '../../engine/index.js';

export const FCM_RESEND: PushResend = {
  newPushId: (now) => `0:${now}${randomBytes(4).toString('hex')}%${randomBytes(8).toString('hex')}`,
  // "-" is Google's wildcard for a project the answer does not name (the ledger does not keep it).
  accepted: (push, address) => ({ name: `projects/${address.app.fcmProject ?? '-'}/messages/${push.id}` }),
  refused: () => ({
    status: 404,
    answer: {
      error: { code: 404, message: 'Requested entity was not found.', status: 'NOT_FOUND' },
      reason: 'UNREGISTERED',
    },
  }),
  ownWay: (_sim, _entry, push) =>
    push.kind === 'liveactivity'
      ? "is a Live Activity push sent through FCM (docs/reference/live-activities.md#fcm-live-activity-token): its ledger entry keeps the app's registration token, not the apns.live_activity_token it went to; send the message to FCM again (or resend a push sent to the activity's token through APNs)"
      : undefined,
};
