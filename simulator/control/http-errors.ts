// Turns every failure into pushsim's JSON error shape, `{ error: { code, message, field? } }`; never a stack trace.
import type { ErrorRequestHandler, Response } from 'express';
import type { ZodError } from 'zod';
import { SimulatorError } from '../core/index.js';

export function sendError(res: Response, status: number, code: string, message: string, field?: string): void {
  res.status(status).json({ error: { code, message, ...(field ? { field } : {}) } });
}

/** The first problem of a failed schema check, with the field's dotted path. */
export function invalidInput(error: ZodError, where = 'body'): SimulatorError {
  const issue = error.issues[0]!;
  const field = issue.path.length ? issue.path.join('.') : where;
  let message = issue.message;
  if (issue.code === 'unrecognized_keys') message = `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}; remove ${issue.keys.length > 1 ? 'them' : 'it'}`;
  return new SimulatorError('INVALID_INPUT', `${field}: ${message}`, issue.code === 'unrecognized_keys' ? issue.keys[0] : field, 400);
}

export const errorHandler: ErrorRequestHandler = (error, _req, res, _next) => {
  if (res.headersSent) return;
  if (error instanceof SimulatorError) { res.status(error.status).json(error.toJSON()); return; }
  const e = error as { type?: string; status?: number; message?: string };
  if (e.type === 'entity.parse.failed') { sendError(res, 400, 'INVALID_JSON', `the request body is not valid JSON (${e.message}); send a JSON object with content-type: application/json`); return; }
  if (e.type === 'entity.too.large') { sendError(res, 413, 'BODY_TOO_LARGE', 'the request body is larger than 1 MB'); return; }
  if (e.type === 'encoding.unsupported' || e.type === 'charset.unsupported') { sendError(res, 415, 'UNSUPPORTED_ENCODING', e.message ?? 'unsupported body encoding'); return; }
  if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) { sendError(res, e.status, 'BAD_REQUEST', e.message ?? 'bad request'); return; }
  console.error('[pushsim] internal error while handling a control request:', error);
  sendError(res, 500, 'INTERNAL', 'pushsim hit an internal error handling this request; the server is still running. Please report it with the request that caused it.');
};
