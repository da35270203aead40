// Turns an accepted Push Kit message into the normalised Push for one Huawei phone, on the `hms` channel: a
// notification message or a data (through) message, urgency as priority, ttl as expiry, collapse_key as the offline
// store's key (docs/reference/hms.md#data-and-notification-messages-on-the-device, #offline-storage-and-collapse_key).
import type { Push } from '../../core/index.js';
import { HMS_DEFAULT_TTL_S, isNotificationMessage, type HmsMessage } from './hms-message.js';

export function hmsPush(
  id: string,
  token: string,
  message: HmsMessage,
  now: number,
  options: { highPriorityDataMessages: boolean },
): Push {
  const notification = isNotificationMessage(message);
  const data = message.android?.data ?? message.data;
  const payload: Record<string, unknown> = {};
  if (data !== undefined) payload.data = data;
  if (notification) {
    const { clickAction, ...android } = message.android?.notification ?? {};
    payload.notification = { ...message.notification, ...android, clickAction: clickAction ?? { type: 3 } };
  }
  const notes: string[] = [];
  // HIGH reaches a killed app only with Huawei's high-priority data message permission; without it Huawei handles the
  // message as NORMAL (docs/reference/hms.md#data-and-notification-messages-on-the-device).
  let high = message.android?.urgency === 'HIGH';
  if (high && !notification && !options.highPriorityDataMessages) {
    high = false;
    notes.push(
      'urgency HIGH without the high-priority data message permission: handled as NORMAL (grant it with POST /api/hms/apps {"highPriorityDataMessages": true})',
    );
  }
  const headers: Record<string, string> = {};
  if (message.android?.urgency) headers.urgency = message.android.urgency;
  if (message.android?.category) headers.category = message.android.category;
  if (message.android?.biTag) headers.bi_tag = message.android.biTag;
  if (message.android?.fastAppTarget) headers.fast_app_target = String(message.android.fastAppTarget);
  if (message.android?.collapseKey !== undefined) headers.collapse_key = String(message.android.collapseKey);
  const push: Push = {
    id,
    provider: 'hms',
    channel: 'hms',
    token,
    kind: notification ? 'notification' : 'data',
    priority: high ? 'high' : 'normal',
    payload,
    headers,
    acceptedAt: now,
    expiresAt: now + (message.android?.ttlMs ?? HMS_DEFAULT_TTL_S * 1000),
  };
  // -1 (the default) keeps every message while the device is offline: no collapse key.
  const collapseKey = message.android?.collapseKey;
  if (collapseKey !== undefined && collapseKey >= 0) push.collapseId = String(collapseKey);
  if (notes.length) push.notes = notes;
  return push;
}
