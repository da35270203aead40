// Issues the addresses of an app install: APNs device tokens, FCM registration tokens and ZPNs pushIDs, shaped like the real ones.
import { randomBytes } from 'node:crypto';

const URL_SAFE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

// Built in one Buffer, not by concatenation: a concatenated string stays a rope of small nodes and costs kilobytes.
function urlSafeBytes(length: number): Buffer {
  const bytes = randomBytes(length);
  for (let i = 0; i < length; i++) bytes[i] = URL_SAFE.charCodeAt(bytes[i]! & 63);
  return bytes;
}

/** 32 random bytes as 64 lower-case hex characters, like an APNs device token. */
export function issueApnsToken(): string {
  return randomBytes(32).toString('hex');
}

/** `<22-char instance id>:APA91b<134 chars>`, the 163-character shape of current FCM registration tokens. */
export function issueFcmToken(): string {
  const token = urlSafeBytes(163);
  token.write(':APA91b', 22, 'latin1');
  return token.toString('latin1');
}

/** A ZPNs pushID; ZEGO's are opaque strings, we use 32 hex characters. */
export function issueZpnsPushId(): string {
  return randomBytes(16).toString('hex');
}

export const APNS_TOKEN_PATTERN = /^[0-9a-fA-F]{64}$/;
