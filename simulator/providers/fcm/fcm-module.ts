// FCM as a service module: Google's HTTP v1 API, OAuth and topic management on one HTTPS port, its registration tokens,
// the Google hosts a backend dials, what FCM keeps for an offline device, its fault catalogue and the `fcm` step.
import { FCM_TOKEN_KIND } from '../../core/index.js';
import type { ServiceModule } from '../service-module.js';
import { FcmProvider, type FcmProviderOptions } from './fcm-provider.js';
import { FCM_FAULTS } from './fcm-errors.js';
import { fcmScenarioStep } from './fcm-scenario-step.js';

export type FcmServiceOptions = Omit<FcmProviderOptions, 'host' | 'port'>;

const GOOGLE_HOSTS = ['fcm.googleapis.com', 'oauth2.googleapis.com', 'iid.googleapis.com'];

export const fcmService = {
  name: 'fcm',
  title: 'FCM',
  tokenKinds: [FCM_TOKEN_KIND],
  endpoints: [
    {
      name: 'fcm',
      portOption: 'fcmPort',
      flag: '--fcm-port',
      env: 'PUSHSIM_FCM_PORT',
      defaultPort: 4802,
      description: 'FCM provider port',
      publicHosts: GOOGLE_HOSTS,
    },
  ],
  settings: [
    {
      key: 'permissive',
      flag: '--fcm-permissive',
      env: 'PUSHSIM_FCM_PERMISSIVE',
      description: 'accept any OAuth bearer on FCM (quick starts; off by default)',
      defaultValue: false,
    },
  ],
  tlsHostNames: GOOGLE_HOSTS,
  // Up to 100 non-collapsible messages and 4 collapse keys per device
  // (docs/reference/fcm.md#stored-messages-and-collapse-keys).
  offlinePolicy: {
    collapse: 'collapse-key',
    maxNonCollapsible: 100,
    maxCollapseKeys: 4,
    source: ['docs/reference/fcm.md#stored-messages-and-collapse-keys'],
  },
  faults: FCM_FAULTS,
  rules: [],
  scenarioStep: fcmScenarioStep,
  create: (context) =>
    new FcmProvider(context.simulation, context.ca, context.faults, {
      ...context.options,
      host: context.host,
      port: context.ports.fcm!,
    }),
} as const satisfies ServiceModule<'fcm', FcmServiceOptions, FcmProvider>;
