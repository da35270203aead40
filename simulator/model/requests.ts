// The fields a device or an app install is created with, one schema for every way in: POST /api/devices and
// POST /api/devices/:id/apps (control/request-schemas.ts) and the client shim's hello (shim-protocol/), so each
// refuses the same input with the same message. Unknown fields are errors, so a typo does not pass silently.
import { z } from 'zod';
import {
  apnsEnvironmentSchema,
  manufacturerSchema,
  notificationPermissionSchema,
  platformSchema,
  sdkProfileSchema,
  standbyBucketSchema,
} from './enums.js';
import { LiveActivityDeclarationSchema } from './live-activity.js';

const idSchema = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'use 1–64 letters, digits, ".", "_" or "-"');

export const NewDeviceConditionsSchema = z
  .object({
    online: z.boolean(),
    lowPowerMode: z.boolean(),
    backgroundAppRefresh: z.boolean(),
    doze: z.boolean(),
    standbyBucket: standbyBucketSchema,
    notificationPermission: notificationPermissionSchema,
    hasGoogleServices: z.boolean(),
    hasHmsCore: z.boolean(),
    screenLocked: z.boolean(),
    debuggerAttached: z.boolean(),
  })
  .partial()
  .strict();

export const NewDeviceSchema = z
  .object({
    platform: platformSchema,
    manufacturer: manufacturerSchema.optional(),
    osVersion: z.string().min(1).max(32).optional(),
    name: z.string().min(1).max(100).optional(),
    conditions: NewDeviceConditionsSchema.optional(),
    id: idSchema.optional(),
  })
  .strict();

export const NewAppSchema = z
  .object({
    bundleId: z
      .string()
      .regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, 'a bundle id or package name like "com.example.app"')
      .max(155),
    sdkProfile: sdkProfileSchema,
    sdkVersion: z
      .string()
      .regex(/^\d+(\.\d+){0,3}([-+][\w.]+)?$/, 'a version like "2.8.3"')
      .optional(),
    environment: apnsEnvironmentSchema.optional(),
    fcmProject: z
      .string()
      .regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, 'a Firebase project id like "my-project-123"')
      .optional(),
    fidelity: z
      .object({
        zpnsDocumentedAndroidBackground: z.boolean().optional(),
        zpnsDocumentedSourceType: z.boolean().optional(),
        zpnsPayloadInAps: z.boolean().optional(),
      })
      .strict()
      .optional(),
    liveActivities: LiveActivityDeclarationSchema.optional().describe(
      'iOS: its Live Activity attributes types and NSSupportsLiveActivitiesFrequentUpdates',
    ),
    id: idSchema.optional(),
  })
  .strict();

/** An FCM topic name as Google allows it (`[a-zA-Z0-9-_.~%]{1,900}`). */
export const TopicNameSchema = z
  .string()
  .regex(/^[a-zA-Z0-9-_.~%]{1,900}$/, 'a topic name of 1–900 letters, digits and "-_.~%"');
