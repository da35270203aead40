// The rows of the rules table for broadcasts (the APNs module contributes them, as accept rows: what APNs itself does
// with a broadcast before any device is reached). The broadcast sender names them on the fates it records: the accept
// stage's facts (provider, fate) cannot tell a broadcast from a device push, so their `when` reads the `via` fact only
// the sender knows, and no device push matches them. Facts: docs/reference/apns-broadcast.md.
import { stageRule, type AcceptFacts, type StageRule } from '../../../delivery/index.js';

const DOC = 'docs/reference/apns-broadcast.md';

/** The accept facts of a broadcast: `via` is set by the broadcast sender alone. */
export interface BroadcastAcceptFacts extends AcceptFacts {
  via?: 'broadcast';
  /** The broadcast's channel was deleted while it was stored. */
  channelDeleted?: boolean;
}

const APNS_DOC = 'docs/reference/apns.md';

export const BROADCAST_RULE_IDS = {
  rejected: 'apns.broadcast.rejected',
  noSubscribers: 'apns.broadcast.no-subscribers',
  stored: 'apns.broadcast.stored',
  storedReplaced: 'apns.broadcast.stored-replaced',
  channelDeleted: 'apns.broadcast.channel-deleted',
  storedExpired: 'apns.broadcast.stored-expired',
} as const;

const isBroadcast = (f: BroadcastAcceptFacts, fate: string): boolean =>
  f.via === 'broadcast' && f.provider === 'apns' && f.fate === fate;

export const BROADCAST_ACCEPT_RULES: readonly StageRule<AcceptFacts>[] = [
  stageRule<BroadcastAcceptFacts>({
    id: BROADCAST_RULE_IDS.rejected,
    stage: 'accept',
    channels: ['apns'],
    condition:
      'APNs refused a broadcast (POST /4/broadcasts/apps/<bundle id>); the status and reason are its own (MissingChannelId, BadChannelId, ChannelNotRegistered, InvalidPushType, FeatureNotEnabled…).',
    when: (f) => isBroadcast(f, 'rejected'),
    outcome: { fate: 'rejected' },
    source: [`${DOC}#reasons`, `${DOC}#broadcast-sends`],
  }),
  stageRule<BroadcastAcceptFacts>({
    id: BROADCAST_RULE_IDS.noSubscribers,
    stage: 'accept',
    channels: ['apns'],
    condition:
      'A broadcast on a channel no activity is subscribed to, with message-storage-policy 0 (no message stored): it reaches nobody, now or later.',
    when: (f) => isBroadcast(f, 'dropped') && !f.channelDeleted,
    outcome: { fate: 'dropped', reason: 'no subscribed activity, and the channel stores no message' },
    source: [`${DOC}#message-storage-policy`],
  }),
  stageRule<BroadcastAcceptFacts>({
    id: BROADCAST_RULE_IDS.stored,
    stage: 'accept',
    channels: ['apns'],
    condition:
      'A broadcast on a channel no activity is subscribed to yet, with message-storage-policy 1 (most recent message stored): APNs keeps it for activities that subscribe later.',
    when: (f) => isBroadcast(f, 'stored'),
    outcome: { fate: 'stored', reason: "kept as the channel's most recent message" },
    source: [`${DOC}#message-storage-policy`],
  }),
  stageRule<BroadcastAcceptFacts>({
    id: BROADCAST_RULE_IDS.storedReplaced,
    stage: 'accept',
    channels: ['apns'],
    condition: 'A newer broadcast on the same most-recent-message channel: it replaces the one the channel stored.',
    when: (f) => isBroadcast(f, 'collapsed'),
    outcome: { fate: 'collapsed', reason: 'replaced by a newer broadcast on its channel' },
    source: [`${DOC}#message-storage-policy`],
  }),
  stageRule<BroadcastAcceptFacts>({
    id: BROADCAST_RULE_IDS.channelDeleted,
    stage: 'accept',
    channels: ['apns'],
    condition:
      'The channel a stored broadcast waited on is deleted (DELETE /1/apps/<bundle id>/channels): the broadcast goes with it.',
    when: (f) => isBroadcast(f, 'dropped') && f.channelDeleted === true,
    outcome: { fate: 'dropped', reason: 'its channel was deleted' },
    source: [`${DOC}#delete-a-channel`],
    unconfirmed: true,
  }),
  stageRule<BroadcastAcceptFacts>({
    id: BROADCAST_RULE_IDS.storedExpired,
    stage: 'accept',
    channels: ['apns'],
    condition:
      "A stored broadcast's apns-expiration passes before an activity subscribes to its channel (or it had apns-expiration 0: one attempt, never stored): APNs no longer delivers it.",
    when: (f) => isBroadcast(f, 'expired'),
    outcome: { fate: 'expired', reason: 'its apns-expiration passed while its channel stored it' },
    source: [`${DOC}#message-storage-policy`, `${DOC}#broadcast-sends`, `${APNS_DOC}#request-headers`],
  }),
];
