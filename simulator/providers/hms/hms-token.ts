// The HMS push token: what HmsInstanceId.getToken() returns to an app on a phone with HMS Core, with or without
// Google services. pushsim issues one to every app on an Android phone that is a Huawei or has HMS Core, except ZPNs
// apps, whose address is their ZPNs pushID (ZPNs registers with HMS itself).
import { randomBytes } from 'node:crypto';
import type { TokenKind } from '../../core/index.js';

/** Current HMS tokens are opaque strings of about 130 characters; pushsim's start like Huawei's (`IQAAAACy…`). */
export function issueHmsToken(): string {
  return `IQAAAACy0${randomBytes(90).toString('base64url')}`;
}

export const HMS_TOKEN_SHAPE = /^[A-Za-z0-9+/=_-]{32,512}$/;

/**
 * The error getToken() fails with when HMS Core is not on the phone: ErrorCode.CLIENT_API_INVALID, as a developer saw
 * it on a phone without HMS Core (docs/reference/hms.md#hms-core-on-the-phone; which code Push Kit gives exactly is
 * unconfirmed).
 */
export const HMS_CORE_MISSING = '907135003';

export const HMS_TOKEN_KIND: TokenKind = {
  name: 'hms',
  isWantedBy: (app, device) =>
    device.platform === 'android' &&
    (device.manufacturer === 'huawei' || device.conditions.hasHmsCore) &&
    app.sdkProfile !== 'zpns-rn',
  unavailable: (_app, device) => (device.conditions.hasHmsCore ? undefined : HMS_CORE_MISSING),
  issue: issueHmsToken,
};
