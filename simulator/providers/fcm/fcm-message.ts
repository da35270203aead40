// Reads an FCM HTTP v1 send request: `{ validate_only, message }` with the whole Message resource, in snake_case or
// lowerCamel, priority in either case; checks it as FCM does and names the field at fault
// (docs/reference/fcm.md#field-names-and-priority-case, docs/reference/fcm.md#message-resource).
import { FcmError, invalidArgument } from './fcm-errors.js';
import { parseCondition, conditionTopics, type Condition } from './fcm-condition.js';

export type FcmTarget =
  | { token: string }
  | { topic: string }
  | { condition: string; parsed: Condition }
  | { fid: string };

export interface FcmMessage {
  target: FcmTarget;
  data?: Record<string, string>;
  notification?: { title?: string; body?: string; image?: string };
  android?: {
    collapseKey?: string;
    priority?: 'high' | 'normal';
    /** Milliseconds; 0 = deliver now or drop. */
    ttlMs?: number;
    restrictedPackageName?: string;
    data?: Record<string, string>;
    notification?: Record<string, unknown>;
    directBootOk?: boolean;
  };
  apns?: {
    headers?: Record<string, string>;
    payload?: Record<string, unknown>;
    /** An ActivityKit push token (or push-to-start token): FCM sends the message to APNs as a liveactivity push. */
    liveActivityToken?: string;
  };
  webpush?: Record<string, unknown>;
  fcmOptions?: Record<string, unknown>;
}

export interface FcmSendRequest {
  validateOnly: boolean;
  message: FcmMessage;
}

const camel = (key: string): string => key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

const MESSAGE_FIELDS = [
  'name',
  'data',
  'notification',
  'android',
  'webpush',
  'apns',
  'fcmOptions',
  'token',
  'topic',
  'condition',
  'fid',
];
const NOTIFICATION_FIELDS = ['title', 'body', 'image'];
const ANDROID_FIELDS = [
  'collapseKey',
  'priority',
  'ttl',
  'restrictedPackageName',
  'data',
  'notification',
  'fcmOptions',
  'directBootOk',
  'bandwidthConstrainedOk',
  'restrictedSatelliteOk',
];
const APNS_FIELDS = ['headers', 'payload', 'fcmOptions', 'liveActivityToken'];
const REQUEST_FIELDS = ['validateOnly', 'message'];
/** 28 days, FCM's maximum and default TTL. */
export const FCM_MAX_TTL_S = 2_419_200;
const TOPIC_NAME = /^[a-zA-Z0-9-_.~%]{1,900}$/;

/**
 * Normalises an object's keys to lowerCamel and refuses names the resource does not have, as Google's JSON parser does.
 */
function fields(value: unknown, allowed: readonly string[], at: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw invalidArgument(
      at,
      `Invalid value at '${at}': expected an object`,
      `Invalid JSON payload received. Expected an object at '${at}'.`,
    );
  }
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const name = camel(key);
    if (!allowed.includes(name))
      throw invalidArgument(
        at,
        `Unknown name "${key}" at '${at}': Cannot find field.`,
        `Invalid JSON payload received. Unknown name "${key}" at '${at}': Cannot find field.`,
      );
    out[name] = v;
  }
  return out;
}

function stringMap(value: unknown, at: string): Record<string, string> {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw invalidArgument(at, `Invalid value at '${at}': expected a map of strings`);
  const out: Record<string, string> = {};
  let index = 0;
  for (const [key, v] of Object.entries(value)) {
    // Assigned below, `__proto__` would set the map's prototype instead of adding a key: refused as Google's parser does.
    if (key === '__proto__')
      throw invalidArgument(
        at,
        `Invalid data payload key: ${key}`,
        `Invalid data payload key: ${key}. The key is reserved.`,
      );
    if (typeof v !== 'string') {
      throw invalidArgument(
        `${at}[${index}].value`,
        `Invalid value at '${at}[${index}].value' (TYPE_STRING), ${JSON.stringify(v)}`,
        `Invalid value at '${at}[${index}].value' (TYPE_STRING), ${JSON.stringify(v)}`,
      );
    }
    out[key] = v;
    index++;
  }
  return out;
}

/** Reserved data keys: `from`, `message_type`, and anything starting with `google` or `gcm` (ErrorCode doc). */
function checkDataKeys(data: Record<string, string>, at: string): void {
  for (const key of Object.keys(data)) {
    if (key === 'from' || key === 'message_type' || /^(google|gcm)/i.test(key))
      throw invalidArgument(
        at,
        `Invalid data payload key: ${key}`,
        `Invalid data payload key: ${key}. The key "${key}" is reserved.`,
      );
  }
}

function readTtl(value: unknown): number {
  if (typeof value !== 'string' || !/^\d+(\.\d{1,9})?s$/.test(value)) {
    throw invalidArgument(
      'message.android.ttl',
      `Invalid value at 'message.android.ttl' (type.googleapis.com/google.protobuf.Duration), ${JSON.stringify(value)}`,
    );
  }
  const seconds = Math.floor(Number(value.slice(0, -1)));
  if (seconds > FCM_MAX_TTL_S)
    throw invalidArgument(
      'message.android.ttl',
      `TTL ${value} is longer than the maximum of 4 weeks (${FCM_MAX_TTL_S}s)`,
    );
  return seconds * 1000;
}

function readPriority(value: unknown): 'high' | 'normal' {
  if (typeof value === 'string' && /^(high|normal)$/i.test(value)) return value.toLowerCase() as 'high' | 'normal';
  throw invalidArgument(
    'message.android.priority',
    `Invalid value at 'message.android.priority' (type.googleapis.com/google.firebase.fcm.v1.AndroidMessagePriority), ${JSON.stringify(value)}`,
  );
}

/** Bytes FCM counts toward the payload limit: data keys and values, and the notification's text. */
export function payloadBytes(message: FcmMessage): number {
  let bytes = 0;
  const add = (text: unknown): void => {
    if (typeof text === 'string') bytes += Buffer.byteLength(text);
  };
  for (const [k, v] of Object.entries(message.android?.data ?? message.data ?? {})) {
    add(k);
    add(v);
  }
  for (const v of Object.values(message.notification ?? {})) add(v);
  for (const v of Object.values(message.android?.notification ?? {}))
    add(typeof v === 'string' ? v : JSON.stringify(v));
  if (message.apns?.payload) add(JSON.stringify(message.apns.payload));
  return bytes;
}

export function readSendRequest(body: unknown): FcmSendRequest {
  const request = fields(body, REQUEST_FIELDS, 'request');
  if (request.validateOnly !== undefined && typeof request.validateOnly !== 'boolean')
    throw invalidArgument(
      'validate_only',
      `Invalid value at 'validate_only' (TYPE_BOOL), ${JSON.stringify(request.validateOnly)}`,
    );
  if (request.message === undefined)
    throw invalidArgument('message', 'Request contains an invalid argument: the message is required.');
  const raw = fields(request.message, MESSAGE_FIELDS, 'message');

  const targets = (['token', 'topic', 'condition', 'fid'] as const).filter((t) => raw[t] !== undefined);
  if (targets.length !== 1) {
    throw invalidArgument(
      'message',
      targets.length
        ? `Exactly one of token, topic, condition or fid may be given; got ${targets.join(' and ')}`
        : 'Exactly one of token, topic, condition or fid is required.',
    );
  }
  const kind = targets[0]!;
  const targetValue = raw[kind];
  if (typeof targetValue !== 'string' || targetValue === '')
    throw invalidArgument(`message.${kind}`, `Invalid value at 'message.${kind}' (TYPE_STRING)`);
  let target: FcmTarget;
  if (kind === 'topic') {
    const topic = targetValue.replace(/^\/topics\//, '');
    if (!TOPIC_NAME.test(topic))
      throw invalidArgument(
        'message.topic',
        `Invalid topic name "${targetValue}": it must match [a-zA-Z0-9-_.~%]{1,900}`,
      );
    target = { topic };
  } else if (kind === 'condition') {
    let parsed: Condition;
    try {
      parsed = parseCondition(targetValue);
    } catch (error) {
      throw invalidArgument('message.condition', `Invalid condition expression: ${(error as Error).message}`);
    }
    const count = conditionTopics(parsed).length;
    if (count > 5)
      throw invalidArgument(
        'message.condition',
        `Invalid condition expression: it names ${count} topics; at most 5 are allowed`,
      );
    target = { condition: targetValue, parsed };
  } else if (kind === 'fid') target = { fid: targetValue };
  else target = { token: targetValue };

  const message: FcmMessage = { target };
  if (raw.data !== undefined) {
    message.data = stringMap(raw.data, 'message.data');
    checkDataKeys(message.data, 'message.data');
  }
  if (raw.notification !== undefined) {
    const n = fields(raw.notification, NOTIFICATION_FIELDS, 'message.notification');
    for (const [k, v] of Object.entries(n))
      if (typeof v !== 'string')
        throw invalidArgument(
          `message.notification.${k}`,
          `Invalid value at 'message.notification.${k}' (TYPE_STRING), ${JSON.stringify(v)}`,
        );
    message.notification = n as FcmMessage['notification'];
  }
  if (raw.android !== undefined) {
    const a = fields(raw.android, ANDROID_FIELDS, 'message.android');
    const android: NonNullable<FcmMessage['android']> = {};
    if (a.collapseKey !== undefined) android.collapseKey = String(a.collapseKey);
    if (a.priority !== undefined) android.priority = readPriority(a.priority);
    if (a.ttl !== undefined) android.ttlMs = readTtl(a.ttl);
    if (a.restrictedPackageName !== undefined) android.restrictedPackageName = String(a.restrictedPackageName);
    if (a.data !== undefined) {
      android.data = stringMap(a.data, 'message.android.data');
      checkDataKeys(android.data, 'message.android.data');
    }
    if (a.notification !== undefined) {
      const notification = fields(
        a.notification,
        Object.keys(a.notification as object).map(camel),
        'message.android.notification',
      );
      if (notification.color !== undefined && !/^#[0-9a-fA-F]{6}$/.test(String(notification.color)))
        throw invalidArgument('message.android.notification.color', 'color must be in the form #RRGGBB');
      android.notification = notification;
    }
    if (a.directBootOk !== undefined) android.directBootOk = Boolean(a.directBootOk);
    message.android = android;
  }
  if (raw.apns !== undefined) {
    const a = fields(raw.apns, APNS_FIELDS, 'message.apns');
    const apns: NonNullable<FcmMessage['apns']> = {};
    if (a.headers !== undefined) apns.headers = stringMap(a.headers, 'message.apns.headers');
    if (a.payload !== undefined) {
      if (!a.payload || typeof a.payload !== 'object' || Array.isArray(a.payload))
        throw invalidArgument('message.apns.payload', 'apns.payload must be an object');
      apns.payload = a.payload as Record<string, unknown>;
    }
    if (a.liveActivityToken !== undefined) {
      if (typeof a.liveActivityToken !== 'string' || !/^[0-9a-fA-F]+$/.test(a.liveActivityToken))
        throw invalidArgument(
          'message.apns.live_activity_token',
          'live_activity_token must be the hex ActivityKit push token of a Live Activity (or a push-to-start token)',
        );
      apns.liveActivityToken = a.liveActivityToken;
    }
    message.apns = apns;
  }
  if (raw.webpush !== undefined) message.webpush = raw.webpush as Record<string, unknown>;
  if (raw.fcmOptions !== undefined) message.fcmOptions = raw.fcmOptions as Record<string, unknown>;

  const limit = 'topic' in target ? 2048 : 4096;
  const bytes = payloadBytes(message);
  if (bytes > limit)
    throw new FcmError(
      'INVALID_ARGUMENT',
      `Message is too big: the payload is ${bytes} bytes; the limit is ${limit} bytes${limit === 2048 ? ' for topic messages' : ''}`,
      [{ field: 'message', description: `payload of ${bytes} bytes exceeds ${limit}` }],
    );
  return { validateOnly: request.validateOnly === true, message };
}
