// Apple's error reasons and the HTTP status each comes with, as Apple's table lists them
// (https://developer.apple.com/documentation/usernotifications/handling-notification-responses-from-apns;
// docs/reference/apns.md#reason-codes).

export const APNS_REASON_STATUS = {
  BadCollapseId: 400,
  BadDeviceToken: 400,
  BadExpirationDate: 400,
  BadMessageId: 400,
  BadPriority: 400,
  BadTopic: 400,
  DeviceTokenNotForTopic: 400,
  DuplicateHeaders: 400,
  IdleTimeout: 400,
  InvalidPushType: 400,
  MissingDeviceToken: 400,
  MissingTopic: 400,
  PayloadEmpty: 400,
  TopicDisallowed: 400,
  BadCertificate: 403,
  BadCertificateEnvironment: 403,
  ExpiredProviderToken: 403,
  Forbidden: 403,
  InvalidProviderToken: 403,
  MissingProviderToken: 403,
  UnrelatedKeyIdInToken: 403,
  BadEnvironmentKeyIdInToken: 403,
  BadPath: 404,
  MethodNotAllowed: 405,
  ExpiredToken: 410,
  Unregistered: 410,
  PayloadTooLarge: 413,
  TooManyProviderTokenUpdates: 429,
  TooManyRequests: 429,
  InternalServerError: 500,
  ServiceUnavailable: 503,
  Shutdown: 503,
} as const;

export type ApnsReason = keyof typeof APNS_REASON_STATUS;
export const APNS_REASONS = Object.keys(APNS_REASON_STATUS) as ApnsReason[];

export function isApnsReason(value: string): value is ApnsReason {
  return value in APNS_REASON_STATUS;
}

/** What an APNs fault may answer with: any of Apple's reasons; `token` is a device token. */
export const APNS_FAULTS = { isReason: isApnsReason, reasonsPath: '/api/apns/reasons', tokenKind: 'apns' } as const;

/**
 * A validation failure: Apple's reason, and for pushsim's ledger a sentence saying what was wrong and, when a row more
 * specific than apns.wire.rejected decided it, that row's id (the Live Activity rows).
 */
export class ApnsRejection {
  constructor(
    readonly reason: ApnsReason,
    readonly detail: string,
    readonly timestamp?: number,
    readonly ruleId?: string,
  ) {}
  get status(): number {
    return APNS_REASON_STATUS[this.reason];
  }
}

/**
 * Push types Apple accepts and the topic suffix each requires (docs/reference/apns.md#push-types-and-topic-suffixes).
 */
export const APNS_PUSH_TYPES: Record<string, string> = {
  alert: '',
  background: '',
  voip: '.voip',
  complication: '.complication',
  fileprovider: '.pushkit.fileprovider',
  location: '.location-query',
  liveactivity: '.push-type.liveactivity',
  pushtotalk: '.voip-ptt',
  controls: '.push-type.controls',
  widgets: '.push-type.widgets',
  mdm: '',
};
