// The HMS push token: what HmsInstanceId.getToken() returns to an app on a Huawei phone (HMS Core), with or without
// Google services. pushsim issues one to every app on an Android phone whose maker is Huawei, except ZPNs apps, whose
// address is their ZPNs pushID (ZPNs registers with HMS itself).
import { randomBytes } from 'node:crypto';
import type { TokenKind } from '../../core/index.js';

/** Current HMS tokens are opaque strings of about 130 characters; pushsim's start like Huawei's (`IQAAAACy…`). */
export function issueHmsToken(): string {
  return `IQAAAACy0${randomBytes(90).toString('base64url')}`;
}

export const HMS_TOKEN_SHAPE = /^[A-Za-z0-9+/=_-]{32,512}$/;

export const HMS_TOKEN_KIND: TokenKind = {
  name: 'hms',
  isWantedBy: (app, device) =>
    device.platform === 'android' && device.manufacturer === 'huawei' && app.sdkProfile !== 'zpns-rn',
  issue: issueHmsToken,
};
