// The reasons the channel management API and broadcast sends answer with, beside APNs's own, and the HTTP status each
// comes with (docs/reference/apns-broadcast.md#reasons).
import { APNS_REASON_STATUS, type ApnsReason } from '../apns-reasons.js';

/** The reasons only channels have; every one of Apple's other reasons (auth, paths, payload) is APNs's own. */
export const CHANNEL_REASON_STATUS = {
  BadChannelId: 400,
  CannotCreateChannelConfig: 400,
  ChannelNotRegistered: 400,
  FeatureNotEnabled: 400,
  MissingChannelId: 400,
  MissingPushType: 400,
} as const;

export type ChannelReason = keyof typeof CHANNEL_REASON_STATUS;
export type BroadcastReason = ApnsReason | ChannelReason;

/** Every reason a management request or a broadcast send may be answered with, and its status. */
export const BROADCAST_REASON_STATUS: Readonly<Record<BroadcastReason, number>> = {
  ...APNS_REASON_STATUS,
  ...CHANNEL_REASON_STATUS,
};

/** A refused management request or broadcast: Apple's reason and, for pushsim's ledger and logs, what was wrong. */
export class BroadcastRejection {
  constructor(
    readonly reason: BroadcastReason,
    readonly detail: string,
  ) {}
  get status(): number {
    return BROADCAST_REASON_STATUS[this.reason];
  }
}
