// pushsim's own errors: a code from the catalogue (error-codes.ts), a message that says what was wrong and what to do,
// the field at fault; the HTTP status is the catalogue's for the code.
import { ERROR_CATALOGUE, type ErrorCode } from './error-codes.js';

/** pushsim's error shape, on REST (`{ error: ErrorBody }`) and on the shim's ws (error frames and failed replies). */
export interface ErrorBody {
  code: ErrorCode;
  message: string;
  field?: string;
}

export class SimulatorError extends Error {
  /** The HTTP status the control API answers with: the catalogue's for the code. */
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'SimulatorError';
    // A JS caller can pass any string; an uncatalogued code answers as an internal error.
    this.status = (ERROR_CATALOGUE as Record<string, { status: number } | undefined>)[code]?.status ?? 500;
  }

  /** The error as `{ code, message, field? }`. */
  body(): ErrorBody {
    return { code: this.code, message: this.message, ...(this.field ? { field: this.field } : {}) };
  }

  toJSON(): { error: ErrorBody } {
    return { error: this.body() };
  }
}
