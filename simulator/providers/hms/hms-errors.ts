// Push Kit's result codes: every answer of the send and topic APIs is `{code, msg, requestId}`, success included
// (docs/reference/hms.md#answers-and-result-codes). The HTTP statuses beside the codes are pushsim's reading.

export const HMS_RESULT_CODES = {
  '80000000': { status: 200, msg: 'Success' },
  '80100000': { status: 200, msg: 'Some tokens are right, the others are illegal' },
  '80100001': { status: 400, msg: 'Parameters check error' },
  '80100002': { status: 400, msg: 'Token number should be one when send sys message' },
  '80100003': { status: 400, msg: 'Message structure error' },
  '80100004': { status: 400, msg: 'TTL is less than current time, please check' },
  '80100013': { status: 400, msg: 'Collapse_key is illegal, please check' },
  '80100016': { status: 400, msg: 'Message contains sensitive information, please check' },
  '80100017': { status: 500, msg: 'Send task cannot be more than 100 concurrently' },
  '80200001': { status: 401, msg: 'Oauth authentication error' },
  '80200003': { status: 401, msg: 'Oauth Token expired' },
  '80300002': { status: 403, msg: 'APP is forbidden to send' },
  '80300007': { status: 404, msg: 'All the tokens are invalid' },
  '80300008': { status: 413, msg: 'The message body size exceeds the default value set by the system (4K)' },
  '80300010': { status: 400, msg: 'Tokens exceed the default value' },
  '80300011': { status: 403, msg: 'No permission to send high-level notification messages' },
  '80600003': { status: 401, msg: 'Request OAuth service failed' },
  '81000001': { status: 500, msg: 'System inner error' },
} as const;

export type HmsResultCode = keyof typeof HMS_RESULT_CODES;
export const HMS_SUCCESS: HmsResultCode = '80000000';

export function isHmsErrorCode(value: string): value is HmsResultCode {
  return value in HMS_RESULT_CODES && value !== HMS_SUCCESS && value !== '80100000';
}

/**
 * What an HMS fault may answer with: any of Push Kit's error codes; `token` is an HMS push token, `project` an app ID.
 */
export const HMS_FAULTS = { isReason: isHmsErrorCode, reasonsPath: '/api/hms/errors', tokenKind: 'hms' } as const;

/** A Push Kit error answer: the code, Huawei's message (or a more precise one naming the field) and the HTTP status. */
export class HmsError extends Error {
  constructor(
    readonly code: HmsResultCode,
    message: string = HMS_RESULT_CODES[code].msg,
    readonly status: number = HMS_RESULT_CODES[code].status,
  ) {
    super(message);
  }

  body(requestId: string): { code: string; msg: string; requestId: string } {
    return { code: this.code, msg: this.message, requestId };
  }
}
