// What ZEGO's push service sends through each channel for a ZIMPushConfig and a strategy, in the shapes of
// docs/reference/zpns.md#payload-as-delivered:
// APNs `{aps, payload, zego}` (VoIP adds `call_id`), FCM data `{title, body, payload, zego, call_id}` as strings.
import { randomUUID } from 'node:crypto';
import type { Push, PushKind, PushPriority, FidelityOptions } from '../../core/index.js';
import type { AppleStrategy, FcmStrategy } from './push-strategies.js';
import type { ZIMPushConfig } from './zim-config.js';

export interface ZpnsSend {
  pushConfig: ZIMPushConfig;
  callID?: string;
  kind: 'message' | 'call-invite' | 'call-cancel';
  fromUserID: string;
}

function zegoBlock(): { version: number; zpns_request_id: string } {
  return { version: 1, zpns_request_id: randomUUID().replace(/-/g, '') };
}

export function apnsViaZpns(
  id: string,
  token: string,
  send: ZpnsSend,
  strategy: AppleStrategy,
  fidelity: FidelityOptions | undefined,
  now: number,
): Push {
  const { pushConfig } = send;
  const aps: Record<string, unknown> = {};
  let kind: PushKind;
  let priority: PushPriority;
  if (strategy.pushType === 'background') {
    aps['content-available'] = 1; // silent: no title, sound or badge
    kind = 'background';
    priority = 'normal';
  } else if (strategy.pushType === 'voip') {
    kind = 'voip';
    priority = 'high';
  } else {
    aps.alert = { title: pushConfig.title, body: pushConfig.content };
    if (strategy.sound) aps.sound = strategy.sound;
    if (strategy.mutableContent) aps['mutable-content'] = 1;
    if (pushConfig.enableBadge) aps.badge = pushConfig.badgeIncrement;
    if (pushConfig.threadID) aps['thread-id'] = pushConfig.threadID;
    kind = 'alert';
    priority = 'high';
  }
  if (fidelity?.zpnsPayloadInAps) aps.payload = pushConfig.payload;
  const payload: Record<string, unknown> = { aps, payload: pushConfig.payload, zego: zegoBlock() };
  if (send.callID) payload.call_id = send.callID;
  if (kind === 'voip' && pushConfig.voIPConfig)
    payload.voip = { ...pushConfig.voIPConfig, callerName: pushConfig.title };
  return {
    id,
    provider: 'zpns',
    token,
    kind,
    priority,
    payload,
    acceptedAt: now,
    headers: {
      'apns-push-type': strategy.pushType,
      'apns-priority': priority === 'normal' ? '5' : '10',
      resourcesID: pushConfig.resourcesID,
    },
  };
}

export function fcmViaZpns(id: string, token: string, send: ZpnsSend, strategy: FcmStrategy, now: number): Push {
  const { pushConfig } = send;
  const data: Record<string, string> = {
    title: pushConfig.title,
    body: pushConfig.content,
    payload: pushConfig.payload,
    zego: JSON.stringify(zegoBlock()),
  };
  if (send.callID) data.call_id = send.callID;
  const payload: Record<string, unknown> = { data };
  let kind: PushKind = 'data';
  if (strategy.messageType === 'notification') {
    payload.notification = {
      title: pushConfig.title,
      body: pushConfig.content,
      ...(strategy.channelId ? { channelId: strategy.channelId } : {}),
      ...(strategy.sound ? { sound: strategy.sound } : {}),
    };
    kind = 'notification+data';
  }
  return {
    id,
    provider: 'zpns',
    token,
    kind,
    priority: strategy.priority ?? 'high',
    payload,
    acceptedAt: now,
    headers: { channel: 'fcm', messageType: strategy.messageType, resourcesID: pushConfig.resourcesID },
  };
}
