// Google's error model for FCM HTTP v1: google.rpc.Status bodies with an FcmError detail and, for INVALID_ARGUMENT,
// google.rpc.BadRequest field violations (https://firebase.google.com/docs/reference/fcm/rest/v1/ErrorCode;
// docs/reference/fcm.md#errors).

export const FCM_ERRORS = {
  UNSPECIFIED_ERROR: { status: 500, rpc: 'UNKNOWN', message: 'Unspecified error.' },
  INVALID_ARGUMENT: { status: 400, rpc: 'INVALID_ARGUMENT', message: 'Request contains an invalid argument.' },
  UNREGISTERED: { status: 404, rpc: 'NOT_FOUND', message: 'Requested entity was not found.' },
  SENDER_ID_MISMATCH: { status: 403, rpc: 'PERMISSION_DENIED', message: 'SenderId mismatch' },
  QUOTA_EXCEEDED: { status: 429, rpc: 'RESOURCE_EXHAUSTED', message: 'Quota exceeded.' },
  UNAVAILABLE: { status: 503, rpc: 'UNAVAILABLE', message: 'The service is currently unavailable.' },
  INTERNAL: { status: 500, rpc: 'INTERNAL', message: 'Internal error encountered.' },
  THIRD_PARTY_AUTH_ERROR: { status: 401, rpc: 'UNAUTHENTICATED', message: 'Auth error from APNS or Web Push Service' },
  APNS_AUTH_ERROR: { status: 401, rpc: 'UNAUTHENTICATED', message: 'Auth error from APNS or Web Push Service' },
} as const;

export type FcmErrorCode = keyof typeof FCM_ERRORS;
export const FCM_ERROR_CODES = Object.keys(FCM_ERRORS) as FcmErrorCode[];
export function isFcmErrorCode(value: string): value is FcmErrorCode {
  return value in FCM_ERRORS;
}

/** What an FCM fault may answer with: any of FCM's error codes; `token` is a registration token. */
export const FCM_FAULTS = { isReason: isFcmErrorCode, reasonsPath: '/api/fcm/errors', tokenKind: 'fcm' } as const;

export interface FieldViolation {
  field: string;
  description: string;
}

/** An FCM error answer: the code, Google's message, and field violations for INVALID_ARGUMENT. */
export class FcmError {
  constructor(
    readonly code: FcmErrorCode,
    readonly message: string = FCM_ERRORS[code].message,
    readonly violations: FieldViolation[] = [],
  ) {}

  get status(): number {
    return FCM_ERRORS[this.code].status;
  }

  body(): object {
    const details: object[] = [
      { '@type': 'type.googleapis.com/google.firebase.fcm.v1.FcmError', errorCode: this.code },
    ];
    if (this.violations.length)
      details.push({ '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: this.violations });
    if (this.code === 'QUOTA_EXCEEDED')
      details.push({
        '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
        violations: [{ subject: 'device', description: this.message }],
      });
    return { error: { code: this.status, message: this.message, status: FCM_ERRORS[this.code].rpc, details } };
  }
}

export function invalidArgument(field: string, description: string, message?: string): FcmError {
  return new FcmError('INVALID_ARGUMENT', message ?? description, [{ field, description }]);
}

/** Google's plain (non-FCM) errors: 401 without or with a bad token, 404 for an unknown path. */
export function googleError(status: number, rpc: string, message: string): object {
  return { error: { code: status, message, status: rpc } };
}

export const MISSING_CREDENTIAL =
  'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.';
export const INVALID_CREDENTIAL =
  'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.';
