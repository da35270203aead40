// Schemas of every control-plane request body and query; unknown fields are errors so typos do not pass silently.
import { z } from 'zod';
import { SDK_PROFILES, FATE_NAMES } from '../core/index.js';

const platform = z.enum(['ios', 'android']);
const durationValue = z.union([
  z.number().nonnegative(),
  z
    .string()
    .regex(
      /^\s*\d+(\.\d+)?\s*(ms|s|m|h|d)\s*$/,
      'write a duration like "30s", "250ms", "1h" or a number of milliseconds',
    ),
]);

export const conditionsSchema = z
  .object({
    online: z.boolean(),
    lowPowerMode: z.boolean(),
    backgroundAppRefresh: z.boolean(),
    doze: z.boolean(),
    standbyBucket: z.enum(['active', 'working_set', 'frequent', 'rare', 'restricted']),
    notificationPermission: z.enum(['granted', 'denied', 'notDetermined']),
    hasGoogleServices: z.boolean(),
    screenLocked: z.boolean(),
    debuggerAttached: z.boolean(),
  })
  .partial()
  .strict();

export const createDeviceSchema = z
  .object({
    platform,
    manufacturer: z.enum(['apple', 'google', 'samsung', 'huawei', 'xiaomi', 'oppo', 'vivo']).optional(),
    osVersion: z.string().min(1).max(32).optional(),
    name: z.string().min(1).max(100).optional(),
    conditions: conditionsSchema.optional(),
    id: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,64}$/, 'use 1–64 letters, digits, ".", "_" or "-"')
      .optional(),
  })
  .strict();

export const installAppSchema = z
  .object({
    bundleId: z
      .string()
      .regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, 'a bundle id or package name like "com.example.app"')
      .max(155),
    sdkProfile: z.enum(SDK_PROFILES as [string, ...string[]]),
    sdkVersion: z
      .string()
      .regex(/^\d+(\.\d+){0,3}([-+][\w.]+)?$/, 'a version like "2.8.3"')
      .optional(),
    environment: z.enum(['sandbox', 'production']).optional(),
    fcmProject: z
      .string()
      .regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, 'a Firebase project id like "my-project-123"')
      .optional(),
    register: z.boolean().optional(),
    state: z.string().min(1).optional(),
    suspendAfter: durationValue.optional(),
    handlerTime: z.union([durationValue, z.literal('never')]).optional(),
    fidelity: z
      .object({
        zpnsDocumentedAndroidBackground: z.boolean().optional(),
        zpnsDocumentedSourceType: z.boolean().optional(),
        zpnsPayloadInAps: z.boolean().optional(),
      })
      .strict()
      .optional(),
    id: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,64}$/, 'use 1–64 letters, digits, ".", "_" or "-"')
      .optional(),
  })
  .strict();

export const lifecycleEventSchema = z.object({ event: z.string().min(1) }).strict();
export const setStateSchema = z.object({ state: z.string().min(1) }).strict();

export const sendPushSchema = z
  .object({
    token: z.string().min(1).max(4096),
    kind: z.enum(['alert', 'background', 'alert+background', 'voip', 'notification', 'data', 'notification+data']),
    priority: z.enum(['high', 'normal', 'low']).optional(),
    payload: z.record(z.string(), z.unknown()).optional(),
    collapseId: z.string().min(1).max(64).optional(),
    expiresAt: z.number().int().nonnegative().optional(),
    ttl: durationValue.optional(),
  })
  .strict()
  .refine((b) => !(b.expiresAt !== undefined && b.ttl !== undefined), {
    message: 'give either expiresAt or ttl, not both',
    path: ['ttl'],
  });

export const pushQuerySchema = z
  .object({
    device: z.string().optional(),
    app: z.string().optional(),
    provider: z.enum(['apns', 'fcm', 'zpns', 'native']).optional(),
    fate: z.enum(FATE_NAMES as [string, ...string[]]).optional(),
    token: z.string().optional(),
    limit: z.coerce.number().int().positive().max(100_000).optional(),
    /** The cursor of the page before (`Pushsim-Next-Cursor`, or the `Link rel="next"` URL of the last answer). */
    before: z.coerce.number().int().nonnegative().optional(),
  })
  .strict();

export const advanceClockSchema = z.object({ by: durationValue }).strict();
export const completeHandlerSchema = z
  .object({
    pushId: z.string().min(1),
    result: z.enum(['newData', 'noData', 'failed', 'resolved', 'rejected']).optional(),
    error: z.string().optional(),
  })
  .strict();

export const tapSchema = z.object({ pushId: z.string().min(1) }).strict();

export const chaosSchema = z
  .object({ backgroundDropProbability: z.number().min(0).max(1), seed: z.number().int().optional() })
  .strict();
