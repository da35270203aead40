// An app installed on a simulated device, as the API, the ws feed and the dashboard see it.
import { z } from 'zod';
import { apnsEnvironmentSchema, platformSchema, sdkProfileSchema } from './enums.js';
import { named } from './registry.js';
import { AppLiveActivitiesSchema } from './live-activity.js';

export const AppTokensSchema = named(
  'AppTokens',
  "An app's tokens by token kind",
  z
    .record(z.string(), z.string())
    .describe(
      "`apns` (64 hex characters, valid in the app's environment), `fcm` (a registration token), `zpns` (a pushID), and any kinds other services add",
    ),
);

export const FidelitySchema = named(
  'Fidelity',
  'Switches where documentation and SDK code disagree; defaults follow the SDK code',
  z.strictObject({
    zpnsDocumentedAndroidBackground: z
      .boolean()
      .optional()
      .describe(
        "ZPNs: documented Android behaviour (background-but-alive → throughMessageReceived) instead of 2.8.3's headless handler",
      ),
    zpnsDocumentedSourceType: z
      .boolean()
      .optional()
      .describe(
        "ZPNs: the TS enum's source-type numbering on Android (FCM = 2) instead of the native layer's (FCM = 1)",
      ),
    zpnsPayloadInAps: z
      .boolean()
      .optional()
      .describe('ZPNs: also put `payload` in `aps.payload` on iOS, as older docs and the iOS click code read it'),
  }),
);

export const AppSchema = named(
  'App',
  'An app installed on a simulated device',
  z.strictObject({
    id: z.string().describe('the install id, as in /api/apps/{id}'),
    deviceId: z.string().describe('the device it is installed on'),
    platform: platformSchema
      .optional()
      .describe("its device's platform (absent only while the device is being removed)"),
    bundleId: z.string().describe('bundle id on iOS, package name on Android'),
    sdkProfile: sdkProfileSchema,
    sdkVersion: z.string().describe('the SDK version the rules compare against, e.g. `2.8.3`'),
    environment: apnsEnvironmentSchema,
    fcmProject: z
      .string()
      .optional()
      .describe(
        "the Firebase project whose sender its FCM token belongs to; the FCM service's first project when absent",
      ),
    lifecycle: z
      .string()
      .describe('its lifecycle state as a dotted path of the platform machine, e.g. `background.pushWake`'),
    state: z.string().describe('the top-level lifecycle state, e.g. `background`'),
    stoppedBecause: z.string().optional().describe('why the app last stopped running (`budgetExpired`, `forceQuit`…)'),
    tokens: AppTokensSchema,
    registrationErrors: z
      .record(z.string(), z.string())
      .optional()
      .describe(
        'tokens the last registration could not get, with the platform SDK\'s error (`fcm: "SERVICE_NOT_AVAILABLE"` without Google Play services)',
      ),
    installedAt: z.number().describe('when it was installed, in clock milliseconds'),
    suspendAfterMs: z
      .number()
      .optional()
      .describe('background allowance before iOS suspends it; the platform default when absent'),
    handlerTimeMs: z
      .number()
      .optional()
      .describe(
        "a virtual app's handler time before it calls the completion handler; 0 or absent = at once, -1 = never",
      ),
    fidelity: FidelitySchema.optional(),
    budgetEndsAt: z
      .string()
      .optional()
      .describe(
        'when the running background budget ends (ISO 8601, clock time): an iOS app woken for a push is terminated then unless it calls its completion handler; absent when none runs',
      ),
    attached: z.boolean().describe('a client shim is connected for this install'),
    held: z.array(z.string()).describe('ids of pushes held on the device for it (ZPNs queue, throttled silent pushes)'),
    liveActivities: AppLiveActivitiesSchema.optional().describe(
      'iOS: its Live Activity declaration and push-to-start tokens (absent when it declares none)',
    ),
  }),
);
export type AppModel = z.infer<typeof AppSchema>;
