// The closed vocabularies of the public model; each is checked at compile time against the core type it mirrors, so the
// two cannot drift (the core stays free of zod; the model imports core's types only, which are erased).
import { z } from 'zod';
import type {
  ApnsEnvironment,
  Channel,
  FateName,
  Manufacturer,
  NotificationPermission,
  Platform,
  PushKind,
  PushPriority,
  SdkProfile,
  StandbyBucket,
} from '../core/index.js';
import { same, type Same } from './registry.js';

export const platformSchema = z.enum(['ios', 'android']).describe('`ios` or `android`');
export const manufacturerSchema = z
  .enum(['apple', 'google', 'samsung', 'huawei', 'xiaomi', 'oppo', 'vivo'])
  .describe('who made the phone; on Android without Google services it picks the vendor push channel');
export const standbyBucketSchema = z
  .enum(['active', 'working_set', 'frequent', 'rare', 'restricted'])
  .describe('Android App Standby bucket');
export const notificationPermissionSchema = z
  .enum(['granted', 'denied', 'notDetermined'])
  .describe('notification permission');
export const sdkProfileSchema = z
  .enum(['native-ios', 'native-android', 'zpns-rn', 'rn-firebase'])
  .describe('the push SDK the app uses');
export const apnsEnvironmentSchema = z
  .enum(['sandbox', 'production'])
  .describe('the APNs environment its token is valid in');
export const pushKindSchema = z
  .enum([
    'alert',
    'background',
    'alert+background',
    'voip',
    'notification',
    'data',
    'notification+data',
    'liveactivity',
  ])
  .describe(
    "what the push is in the platform's terms: iOS alert, background, alert+background, voip; Android notification, data, notification+data; liveactivity (an ActivityKit push to a Live Activity)",
  );
export const pushPrioritySchema = z
  .enum(['high', 'normal', 'low'])
  .describe('`high` = APNs 10 / FCM HIGH; `normal` = APNs 5 / FCM NORMAL; `low` = APNs 1');
export const channelSchema = z
  .enum(['apns', 'fcm', 'hms', 'xiaomi', 'oppo', 'vivo', 'zim'])
  .describe("the channel a push reaches the device on: APNs, FCM, a phone maker's service, or ZIM in-app");
export const fateNameSchema = z
  .enum([
    'accepted',
    'delivered',
    'displayed',
    'stored',
    'deferred',
    'throttled',
    'collapsed',
    'expired',
    'rejected',
    'dropped',
  ])
  .describe(
    'accepted (pending), delivered (an app callback ran), displayed (the system showed it), stored (held for an offline device), ' +
      'deferred (held on the device), throttled, collapsed, expired, rejected (the service refused it), dropped (never reached the app or the screen)',
  );

// Each line fails to compile when the model's list and the core's type differ.
same<Same<z.infer<typeof platformSchema>, Platform>>();
same<Same<z.infer<typeof manufacturerSchema>, Manufacturer>>();
same<Same<z.infer<typeof standbyBucketSchema>, StandbyBucket>>();
same<Same<z.infer<typeof notificationPermissionSchema>, NotificationPermission>>();
same<Same<z.infer<typeof sdkProfileSchema>, SdkProfile>>();
same<Same<z.infer<typeof apnsEnvironmentSchema>, ApnsEnvironment>>();
same<Same<z.infer<typeof pushKindSchema>, PushKind>>();
same<Same<z.infer<typeof pushPrioritySchema>, PushPriority>>();
same<Same<z.infer<typeof channelSchema>, Channel>>();
same<Same<z.infer<typeof fateNameSchema>, FateName>>();
