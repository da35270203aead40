// Reads and checks one APNs request, in the order Pushy's validating handler uses, each check producing one named
// reason. Pure: no sockets, no registry. Auth, token lookup and payload checks follow in the server (they need state).
import { ApnsRejection, APNS_PUSH_TYPES } from './apns-reasons.js';

export interface ApnsRequestHeaders {
  token: string;
  apnsId?: string;
  topic?: string;
  pushType?: string;
  priority: 10 | 5 | 1;
  /** Seconds since epoch; 0 = one attempt only; undefined = Apple's storage policy. */
  expiration?: number;
  collapseId?: string;
  authorization?: string;
}

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const DEVICE_PATH = '/3/device/';
/** Headers APNs reads, each with a bit of its own; sending one twice is `DuplicateHeaders`. */
const SINGLE_HEADERS = new Map([
  ['authorization', 1],
  ['apns-id', 2],
  ['apns-expiration', 4],
  ['apns-priority', 8],
  ['apns-topic', 16],
  ['apns-collapse-id', 32],
  ['apns-push-type', 64],
]);

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Counts header names in the raw header list (name, value, name, value...); HTTP/2 header names are lower case. */
export function duplicateHeader(rawHeaders: readonly string[]): string | undefined {
  let seen = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    const bit = SINGLE_HEADERS.get(name);
    if (bit === undefined) continue;
    if (seen & bit) return name;
    seen |= bit;
  }
  return undefined;
}

export function readApnsRequest(
  method: string,
  path: string,
  headers: Record<string, string | string[] | undefined>,
  rawHeaders: readonly string[],
): ApnsRequestHeaders {
  if (method !== 'POST')
    throw new ApnsRejection('MethodNotAllowed', `${method} is not allowed; APNs takes POST /3/device/<token>`);
  const query = path.indexOf('?');
  const pathOnly = query < 0 ? path : path.slice(0, query);
  if (pathOnly === '/3/device' || pathOnly === DEVICE_PATH)
    throw new ApnsRejection('MissingDeviceToken', 'the path has no device token: POST /3/device/<token>');
  if (!pathOnly.startsWith(DEVICE_PATH)) throw new ApnsRejection('BadPath', `${pathOnly} is not /3/device/<token>`);
  let token = pathOnly.slice(DEVICE_PATH.length);
  if (token.includes('%')) {
    try {
      token = decodeURIComponent(token);
    } catch {
      throw new ApnsRejection('BadPath', 'the device token in the path is not valid percent-encoding');
    }
  }
  if (token.includes('/')) throw new ApnsRejection('BadPath', `${pathOnly} is not /3/device/<token>`);

  const duplicate = duplicateHeader(rawHeaders);
  if (duplicate) throw new ApnsRejection('DuplicateHeaders', `the ${duplicate} header was sent more than once`);

  const apnsId = header(headers, 'apns-id');
  if (apnsId !== undefined && !UUID.test(apnsId))
    throw new ApnsRejection('BadMessageId', `apns-id "${apnsId}" is not a UUID (8-4-4-4-12 hex digits)`);

  // Every member present from the start (undefined when absent): one hidden class for every request.
  const topic = header(headers, 'apns-topic');
  const request: ApnsRequestHeaders = {
    token,
    apnsId,
    topic: topic === '' ? undefined : topic,
    pushType: undefined,
    priority: 10,
    expiration: undefined,
    collapseId: undefined,
    authorization: header(headers, 'authorization'),
  };

  const pushType = header(headers, 'apns-push-type');
  if (pushType !== undefined) {
    if (!(pushType in APNS_PUSH_TYPES))
      throw new ApnsRejection(
        'InvalidPushType',
        `apns-push-type "${pushType}" is not one of ${Object.keys(APNS_PUSH_TYPES).join(', ')}`,
      );
    request.pushType = pushType;
  }

  const priority = header(headers, 'apns-priority');
  if (priority !== undefined) {
    if (priority !== '10' && priority !== '5' && priority !== '1')
      throw new ApnsRejection('BadPriority', `apns-priority "${priority}" is not 10, 5 or 1`);
    request.priority = Number(priority) as 10 | 5 | 1;
  }

  const expiration = header(headers, 'apns-expiration');
  if (expiration !== undefined) {
    if (!/^\d{1,12}$/.test(expiration))
      throw new ApnsRejection('BadExpirationDate', `apns-expiration "${expiration}" is not a UNIX time in seconds`);
    request.expiration = Number(expiration);
  }

  const collapseId = header(headers, 'apns-collapse-id');
  if (collapseId !== undefined) {
    // node:http2 hands header values over latin1-decoded, one char per octet: the length is the bytes on the wire.
    if (collapseId.length > 64)
      throw new ApnsRejection('BadCollapseId', `apns-collapse-id is ${collapseId.length} bytes; the limit is 64`);
    request.collapseId = Buffer.from(collapseId, 'latin1').toString('utf8');
  }

  // Apple: "Don't make assumptions about device token size" — hex of at least 64 digits, as today's tokens are.
  if (!/^[0-9a-fA-F]{64,200}$/.test(token) || token.length % 2 !== 0)
    throw new ApnsRejection('BadDeviceToken', 'the device token is not an even number (64 or more) of hex digits');
  return request;
}

/** Topic suffixes of the push types that have one, longest first (`.voip-ptt` before `.voip`). */
const TOPIC_SUFFIXES = Object.values(APNS_PUSH_TYPES)
  .filter(Boolean)
  .sort((a, b) => b.length - a.length);

/** The topic suffix a push type requires; alert and background use the bare bundle id. */
export function checkTopicSuffix(topic: string, pushType: string): void {
  const suffix = APNS_PUSH_TYPES[pushType] ?? '';
  if (pushType === 'mdm') return;
  if (suffix && !topic.endsWith(suffix))
    throw new ApnsRejection('BadTopic', `a ${pushType} push needs the topic <bundle id>${suffix}; got "${topic}"`);
  if (!suffix && TOPIC_SUFFIXES.some((s) => topic.endsWith(s))) {
    throw new ApnsRejection(
      'BadTopic',
      `a ${pushType} push uses the bare bundle id as topic; "${topic}" carries another push type's suffix`,
    );
  }
}

/** The bundle id a topic addresses: the topic without its push-type suffix. */
export function bundleIdOfTopic(topic: string): string {
  const suffix = TOPIC_SUFFIXES.find((s) => topic.endsWith(s));
  return suffix ? topic.slice(0, -suffix.length) : topic;
}

/** The request's APNs headers as kept on a push (and a rejection) in the ledger. */
export function headersOf(request: ApnsRequestHeaders): Record<string, string> {
  const headers: Record<string, string> = { 'apns-priority': String(request.priority) };
  if (request.apnsId) headers['apns-id'] = request.apnsId;
  if (request.topic) headers['apns-topic'] = request.topic;
  if (request.pushType) headers['apns-push-type'] = request.pushType;
  if (request.expiration !== undefined) headers['apns-expiration'] = String(request.expiration);
  if (request.collapseId) headers['apns-collapse-id'] = request.collapseId;
  return headers;
}

/**
 * The headers kept on an accepted push: the request's, with the topic and push type as used and the environment. Set
 * in place rather than spread over headersOf's object (one object per push, not two; issue 14).
 */
export function pushHeadersOf(
  request: ApnsRequestHeaders,
  topic: string,
  pushType: string,
  environment: string,
): Record<string, string> {
  const headers = headersOf(request);
  headers['apns-topic'] = topic;
  headers['apns-push-type'] = pushType;
  headers.environment = environment;
  return headers;
}
