// Turns an accepted FCM message into the normalised Push for one device: Android gets FCM's data/notification split and
// android overrides; an iOS token gets the `apns` block applied, as FCM hands it to APNs.
import type { Push, PushKind, PushPriority } from '../../core/index.js';
import type { FcmMessage } from './fcm-message.js';

export function androidPush(id: string, token: string, message: FcmMessage, now: number): Push {
  const data = message.android?.data ?? message.data;
  const notification =
    message.notification || message.android?.notification
      ? { ...message.notification, ...message.android?.notification }
      : undefined;
  const kind: PushKind = notification && data ? 'notification+data' : notification ? 'notification' : 'data';
  // Default priority: notification messages HIGH (discovery doc), data messages NORMAL (older docs); unconfirmed:
  // docs/reference/fcm.md#default-priority.
  const priority: PushPriority = message.android?.priority ?? (notification ? 'high' : 'normal');
  const payload: Record<string, unknown> = {};
  if (data) payload.data = data;
  if (notification) payload.notification = notification;
  const push: Push = { id, provider: 'fcm', token, kind, priority, payload, acceptedAt: now, headers: {} };
  const ttl = message.android?.ttlMs;
  if (ttl !== undefined) push.expiresAt = ttl === 0 ? 0 : now + ttl;
  if (message.android?.collapseKey !== undefined) push.collapseId = message.android.collapseKey;
  if (message.android?.priority) push.headers!.priority = message.android.priority;
  return push;
}

export function iosPush(id: string, token: string, message: FcmMessage, now: number): Push {
  const headers = message.apns?.headers ?? {};
  const base = message.apns?.payload ?? {};
  const aps: Record<string, unknown> = { ...((base.aps as Record<string, unknown> | undefined) ?? {}) };
  if (message.notification && aps.alert === undefined) {
    aps.alert = {
      ...(message.notification.title ? { title: message.notification.title } : {}),
      ...(message.notification.body ? { body: message.notification.body } : {}),
    };
  }
  const payload: Record<string, unknown> = { ...(message.data ?? {}), ...base, aps };
  const contentAvailable = aps['content-available'] === 1;
  const hasAlert = aps.alert !== undefined || aps.sound !== undefined || aps.badge !== undefined;
  const pushType = headers['apns-push-type'] ?? (contentAvailable && !hasAlert ? 'background' : 'alert');
  const kind: PushKind =
    pushType === 'voip'
      ? 'voip'
      : pushType === 'background'
        ? 'background'
        : contentAvailable
          ? 'alert+background'
          : 'alert';
  const apnsPriority = headers['apns-priority'] ?? (kind === 'background' ? '5' : '10');
  const priority: PushPriority = apnsPriority === '10' ? 'high' : apnsPriority === '1' ? 'low' : 'normal';
  const push: Push = {
    id,
    provider: 'fcm',
    token,
    kind,
    priority,
    payload,
    acceptedAt: now,
    headers: { ...headers, 'apns-push-type': pushType, 'apns-priority': apnsPriority },
  };
  if (headers['apns-expiration'] !== undefined)
    push.expiresAt = headers['apns-expiration'] === '0' ? 0 : Number(headers['apns-expiration']) * 1000;
  if (headers['apns-collapse-id'] !== undefined) push.collapseId = headers['apns-collapse-id'];
  return push;
}
