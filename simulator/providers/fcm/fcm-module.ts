// FCM as a service module: Google's HTTP v1 API, OAuth and topic management on one HTTPS port, its registration tokens,
// the Google hosts a backend dials, what FCM keeps for an offline device, its fault catalogue, the `fcm` step and
// `pushsim push --service fcm`.
import { FCM_TOKEN_KIND } from '../../core/index.js';
import type { ServiceModule } from '../service-module.js';
import { FCM_CONTROL_ROUTES } from './fcm-control-routes.js';
import { FCM_TRANSPORT_TIMEOUTS, FcmProvider, type FcmProviderOptions } from './fcm-provider.js';
import { FCM_FAULTS } from './fcm-errors.js';
import { fcmScenarioStep } from './fcm-scenario-step.js';
import { fcmCliSender } from './fcm-cli-sender.js';
import { FCM_RESEND } from './fcm-resend.js';

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
    // Transport timeouts (docs/fcm-fidelity.md): what a client that stops talking may hold.
    {
      kind: 'duration',
      key: 'idleTimeoutMs',
      flag: '--fcm-idle-timeout <duration>',
      env: 'PUSHSIM_FCM_IDLE_TIMEOUT',
      description: 'close an FCM connection idle this long (HTTP/2: GOAWAY; HTTP/1.1 keep-alive too) (0 = never)',
      defaultMs: FCM_TRANSPORT_TIMEOUTS.idleTimeoutMs,
    },
    {
      kind: 'duration',
      key: 'handshakeTimeoutMs',
      flag: '--fcm-handshake-timeout <duration>',
      env: 'PUSHSIM_FCM_HANDSHAKE_TIMEOUT',
      description: "abort an FCM TLS handshake not done within this (0 = Node's 120 s)",
      defaultMs: FCM_TRANSPORT_TIMEOUTS.handshakeTimeoutMs,
    },
  ],
  tlsHostNames: GOOGLE_HOSTS,
  faults: FCM_FAULTS,
  // Its rows (fcm.*, store.fcm.*: 100 non-collapsible messages and 4 collapse keys per device) are the delivery core's:
  // the platform rows are written for the platforms' own channels.
  rules: {},
  controlRoutes: FCM_CONTROL_ROUTES,
  scenarioStep: fcmScenarioStep,
  resend: FCM_RESEND,
  cliSender: fcmCliSender,
  create: (context) =>
    new FcmProvider(context.simulation, context.ca, context.faults, {
      ...context.options,
      host: context.host,
      port: context.ports.fcm!,
    }),
} as const satisfies ServiceModule<'fcm', FcmServiceOptions, FcmProvider>;
