// Reads a Push Kit send request, `{validate_only, message}`, as the server checks it: one target, a string `data`, the
// android block's urgency, category, ttl, collapse_key, fast_app_target and notification with its click action, and
// the 4 KB limit, each refused with the result code Huawei uses (docs/reference/hms.md#message-body).
import { parseCondition, conditionTopics, type Condition } from '../fcm/index.js';
import { HmsError } from './hms-errors.js';

export type HmsTarget = { tokens: string[] } | { topic: string } | { condition: string; parsed: Condition };

export interface HmsClickAction {
  type: 1 | 2 | 3 | 4;
  intent?: string;
  action?: string;
  url?: string;
  richResource?: string;
}

export interface HmsMessage {
  target: HmsTarget;
  data?: string;
  notification?: { title?: string; body?: string; image?: string };
  android?: {
    /** -1 keeps every message while the device is offline, 0 only the newest, 1–100 the newest of each group. */
    collapseKey?: number;
    urgency?: 'HIGH' | 'NORMAL';
    category?: string;
    ttlMs?: number;
    biTag?: string;
    receiptId?: string;
    fastAppTarget?: 1 | 2;
    data?: string;
    notification?: Record<string, unknown> & { clickAction?: HmsClickAction };
  };
  apns?: Record<string, unknown>;
  webpush?: Record<string, unknown>;
}

export interface HmsSendRequest {
  validateOnly: boolean;
  message: HmsMessage;
}

/**
 * 4 KB (docs/reference/hms.md#answers-and-result-codes): pushsim counts the `message` object's JSON bytes, tokens left
 * out.
 */
export const HMS_MAX_MESSAGE_BYTES = 4096;
/** Tokens per send (docs/reference/hms.md#message-body). */
export const HMS_MAX_TOKENS = 1000;
/** One day by default, 15 days at most (docs/reference/hms.md#message-body). */
export const HMS_DEFAULT_TTL_S = 86_400;
export const HMS_MAX_TTL_S = 1_296_000;
const TOPIC_NAME = /^[a-zA-Z0-9-_.~%]{1,900}$/;
const TTL = /^(\d+)(\.\d{1,9})?[sS]?$/;

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);
const structure = (at: string, what: string): HmsError =>
  new HmsError('80100003', `Message structure error: ${at} ${what}`);
const parameter = (at: string, what: string): HmsError =>
  new HmsError('80100001', `Parameters check error: ${at} ${what}`);

function optionalString(value: unknown, at: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw structure(at, 'must be a string');
  return value;
}

function readTtl(value: unknown): number {
  const text = typeof value === 'number' ? String(value) : value;
  const match = typeof text === 'string' ? TTL.exec(text) : null;
  if (!match)
    throw parameter('message.android.ttl', `must be a duration such as "86400s"; got ${JSON.stringify(value)}`);
  const seconds = Number(match[1]);
  if (seconds > HMS_MAX_TTL_S)
    throw parameter('message.android.ttl', `is at most 15 days (${HMS_MAX_TTL_S}s); got ${text}`);
  return seconds * 1000;
}

function readClickAction(value: unknown): HmsClickAction {
  if (!isObject(value)) throw structure('message.android.notification.click_action', 'must be an object');
  const type = value.type;
  if (type !== 1 && type !== 2 && type !== 3 && type !== 4)
    throw parameter(
      'message.android.notification.click_action.type',
      `must be 1 (intent or action), 2 (URL), 3 (open the app) or 4 (rich resource); got ${JSON.stringify(type)}`,
    );
  const action: HmsClickAction = { type };
  const intent = optionalString(value.intent, 'message.android.notification.click_action.intent');
  const named = optionalString(value.action, 'message.android.notification.click_action.action');
  const url = optionalString(value.url, 'message.android.notification.click_action.url');
  const richResource = optionalString(value.rich_resource, 'message.android.notification.click_action.rich_resource');
  if (type === 1 && intent === undefined && named === undefined)
    throw parameter('message.android.notification.click_action', 'of type 1 needs an intent or an action');
  if (type === 2 && (url === undefined || !/^https:\/\//.test(url)))
    throw parameter('message.android.notification.click_action.url', 'of type 2 must be an https URL');
  if (type === 4 && richResource === undefined)
    throw parameter('message.android.notification.click_action.rich_resource', 'is required for type 4');
  if (intent !== undefined) action.intent = intent;
  if (named !== undefined) action.action = named;
  if (url !== undefined) action.url = url;
  if (richResource !== undefined) action.richResource = richResource;
  return action;
}

function readAndroidNotification(value: unknown): NonNullable<NonNullable<HmsMessage['android']>['notification']> {
  if (!isObject(value)) throw structure('message.android.notification', 'must be an object');
  for (const key of [
    'title',
    'body',
    'icon',
    'sound',
    'tag',
    'channel_id',
    'image',
    'big_title',
    'big_body',
    'notify_summary',
    'group',
    'ticker',
  ]) {
    optionalString(value[key], `message.android.notification.${key}`);
  }
  if (value.color !== undefined && (typeof value.color !== 'string' || !/^#[0-9a-fA-F]{6}$/.test(value.color)))
    throw parameter('message.android.notification.color', 'must be #RRGGBB');
  if (value.style !== undefined && value.style !== 0 && value.style !== 1 && value.style !== 3)
    throw parameter('message.android.notification.style', 'must be 0 (default), 1 (big text) or 3 (inbox)');
  if (value.importance !== undefined && !['LOW', 'NORMAL', 'HIGH'].includes(String(value.importance)))
    throw parameter('message.android.notification.importance', 'must be LOW, NORMAL or HIGH');
  if (value.click_action === undefined)
    throw parameter(
      'message.android.notification.click_action',
      'is required: say what tapping the notification does (type 3 opens the app)',
    );
  const { click_action: clickAction, ...rest } = value;
  return { ...rest, clickAction: readClickAction(clickAction) };
}

function readAndroid(value: unknown): NonNullable<HmsMessage['android']> {
  if (!isObject(value)) throw structure('message.android', 'must be an object');
  const android: NonNullable<HmsMessage['android']> = {};
  if (value.collapse_key !== undefined) {
    const key = value.collapse_key;
    if (typeof key !== 'number' || !Number.isInteger(key) || key < -1 || key > 100)
      throw new HmsError(
        '80100013',
        `Collapse_key is illegal: it must be an integer from -1 to 100; got ${JSON.stringify(key)}`,
      );
    android.collapseKey = key;
  }
  if (value.urgency !== undefined) {
    if (value.urgency !== 'HIGH' && value.urgency !== 'NORMAL')
      throw parameter('message.android.urgency', `must be HIGH or NORMAL; got ${JSON.stringify(value.urgency)}`);
    android.urgency = value.urgency;
  }
  const category = optionalString(value.category, 'message.android.category');
  if (category !== undefined) android.category = category;
  if (value.ttl !== undefined) android.ttlMs = readTtl(value.ttl);
  const biTag = optionalString(value.bi_tag, 'message.android.bi_tag');
  if (biTag !== undefined) android.biTag = biTag;
  const receiptId = optionalString(value.receipt_id, 'message.android.receipt_id');
  if (receiptId !== undefined) android.receiptId = receiptId;
  if (value.fast_app_target !== undefined) {
    if (value.fast_app_target !== 1 && value.fast_app_target !== 2)
      throw parameter('message.android.fast_app_target', 'must be 1 (development) or 2 (production)');
    android.fastAppTarget = value.fast_app_target;
  }
  const data = optionalString(value.data, 'message.android.data');
  if (data !== undefined) android.data = data;
  if (value.notification !== undefined) android.notification = readAndroidNotification(value.notification);
  return android;
}

function readTarget(message: Record<string, unknown>): HmsTarget {
  const given = (['token', 'topic', 'condition'] as const).filter((t) => message[t] !== undefined);
  // No target reads as a token count of 0 (Huawei answers a misspelled `message` the same way).
  if (given.length === 0)
    throw new HmsError('80300010', 'Tokens exceed the default value: the message names no token, topic or condition');
  if (given.length > 1)
    throw structure('message', `must name one of token, topic or condition; got ${given.join(' and ')}`);
  if (given[0] === 'token') {
    const tokens = message.token;
    if (!Array.isArray(tokens)) throw structure('message.token', 'must be an array of push tokens');
    if (tokens.length === 0 || tokens.length > HMS_MAX_TOKENS)
      throw new HmsError(
        '80300010',
        `Tokens exceed the default value: a send takes 1 to ${HMS_MAX_TOKENS} tokens; got ${tokens.length}`,
      );
    if (tokens.some((t) => typeof t !== 'string')) throw structure('message.token', 'must hold strings');
    return { tokens: tokens as string[] };
  }
  if (given[0] === 'topic') {
    const topic = message.topic;
    if (typeof topic !== 'string' || !TOPIC_NAME.test(topic))
      throw parameter('message.topic', 'must match [a-zA-Z0-9-_.~%]{1,900}');
    return { topic };
  }
  const condition = message.condition;
  if (typeof condition !== 'string') throw structure('message.condition', 'must be a string');
  let parsed: Condition;
  try {
    parsed = parseCondition(condition);
  } catch (error) {
    throw parameter('message.condition', `is not a topic expression: ${(error as Error).message}`);
  }
  if (conditionTopics(parsed).length > 5) throw parameter('message.condition', 'names more than 5 topics');
  return { condition, parsed };
}

export function readHmsRequest(body: unknown): HmsSendRequest {
  if (!isObject(body)) throw structure('the body', 'must be a JSON object');
  if (body.validate_only !== undefined && typeof body.validate_only !== 'boolean')
    throw parameter('validate_only', 'must be true or false');
  const raw = body.message;
  // A body without `message` (or with it misspelled) has no tokens: 80300010
  // (docs/reference/hms.md#answers-and-result-codes).
  if (raw === undefined) throw new HmsError('80300010', 'Tokens exceed the default value: the body has no "message"');
  if (!isObject(raw)) throw structure('message', 'must be an object');
  const message: HmsMessage = { target: readTarget(raw) };
  // The limit is on what the device gets; the token list is the address, not the payload (pushsim's reading).
  const { token: _tokens, ...content } = raw;
  const bytes = Buffer.byteLength(JSON.stringify(content));
  if (bytes > HMS_MAX_MESSAGE_BYTES)
    throw new HmsError(
      '80300008',
      `The message body size exceeds the default value set by the system (4K): it is ${bytes} bytes`,
    );
  const data = optionalString(raw.data, 'message.data');
  if (data !== undefined) message.data = data;
  if (raw.notification !== undefined) {
    if (!isObject(raw.notification)) throw structure('message.notification', 'must be an object');
    const notification: NonNullable<HmsMessage['notification']> = {};
    for (const key of ['title', 'body', 'image'] as const) {
      const v = optionalString(raw.notification[key], `message.notification.${key}`);
      if (v !== undefined) notification[key] = v;
    }
    message.notification = notification;
  }
  if (raw.android !== undefined) message.android = readAndroid(raw.android);
  if (raw.apns !== undefined) {
    if (!isObject(raw.apns)) throw structure('message.apns', 'must be an object');
    message.apns = raw.apns;
  }
  if (raw.webpush !== undefined) {
    if (!isObject(raw.webpush)) throw structure('message.webpush', 'must be an object');
    message.webpush = raw.webpush;
  }
  if (!message.data && !message.android?.data && !message.notification && !message.android?.notification)
    throw structure('message', 'has neither data nor a notification');
  return { validateOnly: body.validate_only === true, message };
}

/** A notification message is shown by the system; one with only data is a data (through) message. */
export function isNotificationMessage(message: HmsMessage): boolean {
  return message.notification !== undefined || message.android?.notification !== undefined;
}
