// Turns every failure into pushsim's JSON error shape, `{ error: { code, message, field? } }`; never a stack trace.
// Codes and their statuses are the catalogue's (core/error-codes.ts).
import type { ErrorRequestHandler, Response } from 'express';
import { ERROR_CATALOGUE, ErrorCodes, SimulatorError, type ErrorCode } from '../core/index.js';

/** Answers `{ error: { code, message, field? } }` with the code's status (or `status`, for a parser's own 4xx). */
export function sendError(
  res: Response,
  code: ErrorCode,
  message: string,
  field?: string,
  status: number = ERROR_CATALOGUE[code].status,
): void {
  res.status(status).json(new SimulatorError(code, message, field).toJSON());
}

/** The `type` of the error the JSON budget check (control-app.ts) throws from the body parser. */
export const JSON_TOO_DEEP_TYPE = 'pushsim.json.too.deep';

export const errorHandler: ErrorRequestHandler = (error, _req, res, _next) => {
  if (res.headersSent) return;
  if (error instanceof SimulatorError) {
    res.status(error.status).json(error.toJSON());
    return;
  }
  const e = error as { type?: string; status?: number; message?: string };
  if (e.type === JSON_TOO_DEEP_TYPE) {
    sendError(res, ErrorCodes.JSON_TOO_DEEP, e.message ?? 'the request body nests too deeply');
    return;
  }
  if (e.type === 'entity.parse.failed') {
    sendError(
      res,
      ErrorCodes.INVALID_JSON,
      `the request body is not valid JSON (${e.message}); send a JSON object with content-type: application/json`,
    );
    return;
  }
  if (e.type === 'entity.too.large') {
    sendError(res, ErrorCodes.BODY_TOO_LARGE, 'the request body is larger than 1 MB');
    return;
  }
  if (e.type === 'encoding.unsupported' || e.type === 'charset.unsupported') {
    sendError(res, ErrorCodes.UNSUPPORTED_ENCODING, e.message ?? 'unsupported body encoding');
    return;
  }
  if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
    sendError(res, ErrorCodes.BAD_REQUEST, e.message ?? 'bad request', undefined, e.status);
    return;
  }
  console.error('[pushsim] internal error while handling a control request:', error);
  sendError(
    res,
    ErrorCodes.INTERNAL,
    'pushsim hit an internal error handling this request; the server is still running. Please report it with the request that caused it.',
  );
};
