// Issues the addresses of an app install: APNs device tokens, FCM registration tokens and ZPNs pushIDs, shaped like the
// real ones, and the token kinds (which app gets which token) the service modules declare and the registry issues.
import { randomFillSync } from 'node:crypto';
import type { Device } from './device.js';
import type { InstalledApp } from './installed-app.js';

/**
 * A kind of token a service issues to an app and resolves back to it (`apns`, `fcm`, `zpns`; a service module declares
 * it).
 */
export interface TokenKind {
  /** Its key in `InstalledApp.tokens`. */
  readonly name: string;
  /** Whether this app registers for this kind of token on this device. */
  isWantedBy(app: InstalledApp, device: Device): boolean;
  /** The error the platform SDK reports when it cannot get one right now (the token is issued once it can). */
  unavailable?(app: InstalledApp, device: Device): string | undefined;
  issue(): string;
}

const URL_SAFE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

// Tokens are cut from a pool of random bytes filled 16 KiB at a time: a randomBytes() call per token was 40% of
// installing a million apps (bench/README.md). The bytes are read into the token's string at once, so the pool is
// refilled in place; it holds nothing of any simulator's.
const pool = Buffer.allocUnsafe(16 * 1024);
let poolAt = pool.length;

/** The pool offset of `length` fresh random bytes. */
function takeRandom(length: number): number {
  if (poolAt + length > pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  const at = poolAt;
  poolAt += length;
  return at;
}

/** 32 random bytes as 64 lower-case hex characters, like an APNs device token. */
export function issueApnsToken(): string {
  const at = takeRandom(32);
  return pool.toString('hex', at, at + 32);
}

/** `<22-char instance id>:APA91b<134 chars>`, the 163-character shape of current FCM registration tokens. */
export function issueFcmToken(): string {
  // Built in the pool and read out as one string, not by concatenation: a concatenated string stays a rope of small
  // nodes and costs kilobytes.
  const at = takeRandom(163);
  for (let i = at; i < at + 163; i++) pool[i] = URL_SAFE.charCodeAt(pool[i]! & 63);
  pool.write(':APA91b', at + 22, 'latin1');
  return pool.toString('latin1', at, at + 163);
}

/** A ZPNs pushID; ZEGO's are opaque strings, we use 32 hex characters. */
export function issueZpnsPushId(): string {
  const at = takeRandom(16);
  return pool.toString('hex', at, at + 16);
}

export const APNS_TOKEN_PATTERN = /^[0-9a-fA-F]{64}$/;

/** An APNs device token: every iOS app. */
export const APNS_TOKEN_KIND: TokenKind = {
  name: 'apns',
  isWantedBy: (_app, device) => device.platform === 'ios',
  issue: issueApnsToken,
};

/**
 * An FCM registration token: every Android app, and iOS apps on RN Firebase. FirebaseMessaging.getToken() needs Google
 * Play services on Android; without them it fails with SERVICE_NOT_AVAILABLE (docs/reference/fcm.md#google-play-services-requirement;
 * https://github.com/invertase/react-native-firebase/issues/8488).
 */
export const FCM_TOKEN_KIND: TokenKind = {
  name: 'fcm',
  isWantedBy: (app, device) => device.platform === 'android' || app.sdkProfile === 'rn-firebase',
  unavailable: (_app, device) =>
    device.platform === 'android' && !device.conditions.hasGoogleServices ? 'SERVICE_NOT_AVAILABLE' : undefined,
  issue: issueFcmToken,
};

/** A ZPNs pushID: apps on the ZPNs React Native SDK. */
export const ZPNS_TOKEN_KIND: TokenKind = {
  name: 'zpns',
  isWantedBy: (app) => app.sdkProfile === 'zpns-rn',
  issue: issueZpnsPushId,
};

/**
 * The token kinds of a bare `new Simulation()`; startSimulator() passes its service modules' kinds instead
 * (SimulationOptions.tokenKinds), so a service added as a module brings its own.
 */
export const DEFAULT_TOKEN_KINDS: readonly TokenKind[] = [APNS_TOKEN_KIND, FCM_TOKEN_KIND, ZPNS_TOKEN_KIND];
