// A simulated phone as the API, the ws feed and the dashboard see it.
import { z } from 'zod';
import type { DeviceConditions } from '../core/index.js';
import { manufacturerSchema, notificationPermissionSchema, platformSchema, standbyBucketSchema } from './enums.js';
import { named, same, type Same } from './registry.js';

export const DeviceConditionsSchema = named(
  'DeviceConditions',
  'The conditions of a device that change what a push does',
  z.strictObject({
    online: z
      .boolean()
      .describe("reachable by the push services; an offline device gets pushes stored under each service's policy"),
    lowPowerMode: z.boolean().describe('iOS Low Power Mode; it turns Background App Refresh off'),
    backgroundAppRefresh: z.boolean().describe('the iOS Background App Refresh switch'),
    doze: z.boolean().describe('Android Doze: normal-priority FCM messages wait for a maintenance window'),
    standbyBucket: standbyBucketSchema.describe(
      'Android App Standby bucket; the lower buckets cap high-priority FCM per day',
    ),
    notificationPermission: notificationPermissionSchema.describe(
      'notification permission (iOS authorization, Android 13+ POST_NOTIFICATIONS)',
    ),
    hasGoogleServices: z.boolean().describe('Google Play services present (FCM works only with them)'),
    hasHmsCore: z
      .boolean()
      .describe(
        'HMS Core present (Huawei Push Kit works only with it); by default true on a Huawei phone, false on any other',
      ),
    screenLocked: z.boolean().describe('keyguard locked; FCM and ZPNs count a locked screen as background'),
    debuggerAttached: z.boolean().describe('Xcode debugger attached; Apple disables the silent-push throttle then'),
  }),
);
export type DeviceConditionsModel = z.infer<typeof DeviceConditionsSchema>;
same<Same<DeviceConditionsModel, DeviceConditions>>();

export const DeviceSchema = named(
  'Device',
  'A simulated phone',
  z.strictObject({
    id: z.string().describe('the device id, as in /api/devices/{id}'),
    platform: platformSchema,
    manufacturer: manufacturerSchema.optional(),
    osVersion: z.string().describe('the OS version, e.g. `18.0` or `14`'),
    name: z.string().describe('a display name'),
    conditions: DeviceConditionsSchema,
    createdAt: z.number().describe('when it was created, in clock milliseconds'),
    apps: z.array(z.string()).describe('the ids of the apps installed on it'),
  }),
);
export type DeviceModel = z.infer<typeof DeviceSchema>;
