// How Push Kit answers a message of the ledger sent again (POST /api/pushes/{id}/resend): a new request id (Huawei's
// digit string: the time and a random tail), `{ code: "80000000", msg: "Success", requestId }`, and 80300007 "All the
// tokens are invalid" for a token no app owns any more (docs/reference/hms.md#answers-and-result-codes).
import { randomInt } from 'node:crypto';
import type { PushResend } from '../../engine/index.js';
import { HMS_RESULT_CODES, HMS_SUCCESS, HmsError } from './hms-errors.js';

/** As the send API's request ids (hms-server.ts): clock ms and nine random digits. */
function requestId(now: number): string {
  return `${now}${String(randomInt(0, 1e9)).padStart(9, '0')}`;
}

export const HMS_RESEND: PushResend = {
  newPushId: requestId,
  accepted: (push) => ({ code: HMS_SUCCESS, msg: HMS_RESULT_CODES[HMS_SUCCESS].msg, requestId: push.id }),
  refused: (_entry, _uninstalledAt, push) => {
    const error = new HmsError('80300007');
    return { status: error.status, answer: error.body(push.id) };
  },
};
