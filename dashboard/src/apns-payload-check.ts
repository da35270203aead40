// The Send form's APNs checks, in the order and with the reasons APNs answers (simulator/providers/apns/apns-request.ts
// and apns-server.ts do the same on the wire): a JSON object, 4 KB (5 KB for VoIP), the aps rules of each push type.
// Sources: https://developer.apple.com/documentation/usernotifications/sending-notification-requests-to-apns and
// https://developer.apple.com/documentation/usernotifications/generating-a-remote-notification

export interface ApnsHeaders {
  pushType: string;
  priority: string;
  collapseId: string;
  expiration: string;
}

export interface ApnsProblem {
  /** APNs's reason for a refusal, or `warning` for what APNs accepts but the device will not do as hoped. */
  reason: string;
  message: string;
}

/** "The maximum payload size is 4 KB (4096 bytes) … For VoIP notifications, the maximum size is 5 KB (5120 bytes)." */
export function payloadLimit(pushType: string): number {
  return pushType === 'voip' ? 5120 : 4096;
}

export function checkApnsPush(
  headers: ApnsHeaders,
  payloadText: string,
): { payload?: Record<string, unknown>; problems: ApnsProblem[] } {
  const problems: ApnsProblem[] = [];
  if (!['10', '5', '1'].includes(headers.priority))
    problems.push({ reason: 'BadPriority', message: `apns-priority "${headers.priority}" is not 10, 5 or 1` });
  if (headers.expiration && !/^\d{1,12}$/.test(headers.expiration))
    problems.push({
      reason: 'BadExpirationDate',
      message: `apns-expiration "${headers.expiration}" is not a UNIX time in seconds`,
    });
  const collapseBytes = new TextEncoder().encode(headers.collapseId).length;
  if (collapseBytes > 64)
    problems.push({ reason: 'BadCollapseId', message: `apns-collapse-id is ${collapseBytes} bytes; the limit is 64` });
  const size = new TextEncoder().encode(payloadText).length;
  if (size > payloadLimit(headers.pushType))
    problems.push({
      reason: 'PayloadTooLarge',
      message: `the payload is ${size} bytes; a ${headers.pushType} push may carry ${payloadLimit(headers.pushType)}`,
    });
  let payload: unknown;
  try {
    payload = JSON.parse(payloadText);
  } catch (error) {
    problems.push({ reason: 'PayloadEmpty', message: `the payload is not JSON: ${(error as Error).message}` });
    return { problems };
  }
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
    problems.push({ reason: 'PayloadEmpty', message: 'the payload is not a JSON object' });
    return { problems };
  }
  const body = payload as Record<string, unknown>;
  const aps = body.aps as Record<string, unknown> | undefined;
  if (headers.pushType !== 'voip') {
    if (aps === undefined || aps === null || typeof aps !== 'object' || Array.isArray(aps))
      problems.push({
        reason: 'warning',
        message: 'no "aps" dictionary: the system has nothing to show or wake the app for',
      });
  }
  if (headers.pushType === 'background') {
    if (aps?.['content-available'] !== 1)
      problems.push({
        reason: 'warning',
        message: 'a background push needs "aps": { "content-available": 1 } to wake the app',
      });
    if (aps && ('alert' in aps || 'sound' in aps || 'badge' in aps))
      problems.push({
        reason: 'warning',
        message: 'a background push carries no alert, sound or badge (use the alert type for those)',
      });
    if (headers.priority === '10')
      problems.push({
        reason: 'warning',
        message: 'background pushes must be sent with apns-priority 5; 10 is noted and may be refused by APNs',
      });
  }
  if (headers.pushType === 'alert' && aps && !('alert' in aps) && !('sound' in aps) && !('badge' in aps))
    problems.push({ reason: 'warning', message: 'an alert push with no alert, sound or badge shows nothing' });
  return { payload: body, problems };
}
