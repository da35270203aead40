// pushsim's own error shape and its catalogue of codes, as REST answers and shim frames carry them.
import { z } from 'zod';
// The catalogue module imports nothing, so the client shim, which imports the model, loads only it of the core.
import { ERROR_CATALOGUE, type ErrorCode } from '../core/error-codes.js';
import type { ErrorBody } from '../core/index.js';
import { named, same, type Same } from './registry.js';

const codes = Object.keys(ERROR_CATALOGUE) as [ErrorCode, ...ErrorCode[]];
export const errorCodeSchema = z.enum(codes).describe('a code of the catalogue (GET /api/errors)');

export const ErrorBodySchema = named(
  'ErrorBody',
  'What went wrong: a code of the catalogue, a message saying what to do, the field at fault',
  z.strictObject({
    code: errorCodeSchema,
    message: z.string().describe('what was wrong, where, and what is allowed'),
    field: z.string().optional().describe('the dotted path of the field at fault, when one is'),
  }),
);
same<Same<z.infer<typeof ErrorBodySchema>, ErrorBody>>();

export const ErrorSchema = named('Error', "pushsim's own error answer", z.strictObject({ error: ErrorBodySchema }));
export type ErrorModel = z.infer<typeof ErrorSchema>;

export const ErrorCodeEntrySchema = named(
  'ErrorCodeEntry',
  'One code of the error catalogue',
  z.strictObject({
    code: errorCodeSchema,
    status: z.number().int().describe('the HTTP status the control API answers with'),
    meaning: z.string().describe('what went wrong'),
    fix: z.string().describe('what to do about it'),
  }),
);
export type ErrorCodeEntryModel = z.infer<typeof ErrorCodeEntrySchema>;
