// The fates a push can meet. Every accepted push has exactly one current fate; the ledger keeps how it got there.

export type FateName =
  | 'accepted' // taken by a provider, decision pending (same tick, or while a device is being reached)
  | 'delivered' // handed to an app callback (`callback` names it)
  | 'displayed' // shown by the system (banner, tray) with no app callback
  | 'stored' // held by the service for an offline device
  | 'deferred' // held on the device side (Doze) until conditions allow
  | 'throttled' // withheld by a rate or power budget
  | 'collapsed' // replaced by a newer push with the same collapse key, or the newest one held while offline
  | 'expired' // its expiry passed before it could be delivered
  | 'rejected' // the provider answered with an error (`reason` is the provider's own)
  | 'dropped'; // accepted but never reached a callback or the screen (`reason` says why)

export const FATE_NAMES: readonly FateName[] = [
  'accepted',
  'delivered',
  'displayed',
  'stored',
  'deferred',
  'throttled',
  'collapsed',
  'expired',
  'rejected',
  'dropped',
];

/** Fates a push can still leave. */
export const PENDING_FATES: ReadonlySet<FateName> = new Set(['accepted', 'stored', 'deferred']);

export interface Fate {
  name: FateName;
  at: number;
  /** SDK-level callback that ran or will run (`throughMessageReceived`, `onMessage`...). */
  callback?: string;
  /**
   * Platform-level callback (`application:didReceiveRemoteNotification:fetchCompletionHandler:`,
   * `onMessageReceived`...).
   */
  platformCallback?: string;
  /** Whether the system showed a banner or tray notification. */
  displayed?: boolean;
  /** Why: the provider's reason for `rejected`, the rule's reason for `dropped`, `throttled`, `expired`... */
  reason?: string;
  /**
   * Ids of the rules-table rows that decided this fate, in the order the pipeline's stages applied them (GET
   * /api/rules).
   */
  ruleIds?: string[];
  /** The same ids joined with ` → `, kept for readers of the single-string form. */
  ruleId?: string;
}
