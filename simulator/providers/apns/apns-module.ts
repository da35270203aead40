// APNs as a service module: Apple's HTTP/2 provider API on a sandbox and a production port, its device tokens, the
// hosts a backend dials, what APNs keeps for an offline device, its fault catalogue and the scenario's `apns` step.
import { APNS_TOKEN_KIND } from '../../core/index.js';
import type { ServiceModule } from '../service-module.js';
import { APNS_CONTROL_ROUTES } from './apns-control-routes.js';
import { APNS_TRANSPORT_TIMEOUTS, ApnsProvider, type ApnsProviderOptions } from './apns-provider.js';
import { APNS_FAULTS } from './apns-reasons.js';
import { apnsScenarioStep } from './apns-scenario-step.js';
import { APNS_RESEND } from './apns-resend.js';
import { APNS_LIVE_ACTIVITY_RULES } from './apns-live-activity-rules.js';
import { BROADCAST_ACCEPT_RULES, CHANNEL_ENDPOINTS, CHANNEL_HOSTS } from './broadcast/index.js';

export type ApnsServiceOptions = Omit<
  ApnsProviderOptions,
  'host' | 'port' | 'productionPort' | 'channelsPort' | 'channelsProductionPort'
>;

const SANDBOX_HOSTS = ['api.sandbox.push.apple.com', 'api.development.push.apple.com'];
const PRODUCTION_HOSTS = ['api.push.apple.com'];

export const apnsService = {
  name: 'apns',
  title: 'APNs',
  tokenKinds: [APNS_TOKEN_KIND],
  endpoints: [
    {
      name: 'apns',
      portOption: 'apnsPort',
      flag: '--apns-port',
      env: 'PUSHSIM_APNS_PORT',
      defaultPort: 4801,
      description: 'APNs sandbox endpoint port',
      publicHosts: SANDBOX_HOSTS,
    },
    {
      name: 'apns-production',
      portOption: 'apnsProductionPort',
      flag: '--apns-production-port',
      env: 'PUSHSIM_APNS_PRODUCTION_PORT',
      defaultPort: 4803,
      description: 'APNs production endpoint port',
      publicHosts: PRODUCTION_HOSTS,
    },
    ...CHANNEL_ENDPOINTS,
  ],
  settings: [
    {
      key: 'h2c',
      flag: '--apns-h2c',
      env: 'PUSHSIM_APNS_H2C',
      description: 'serve APNs as plain HTTP/2 (h2c) instead of TLS',
      defaultValue: false,
    },
    {
      key: 'permissive',
      flag: '--apns-permissive',
      env: 'PUSHSIM_APNS_PERMISSIVE',
      description: 'accept any bearer token (quick starts; off by default)',
      defaultValue: false,
    },
    // Transport timeouts (docs/apns-fidelity.md#transport): what a client that stops talking may hold.
    {
      kind: 'duration',
      key: 'idleTimeoutMs',
      flag: '--apns-idle-timeout <duration>',
      env: 'PUSHSIM_APNS_IDLE_TIMEOUT',
      description: 'close an APNs connection idle this long, with GOAWAY {"reason":"IdleTimeout"} (0 = never)',
      defaultMs: APNS_TRANSPORT_TIMEOUTS.idleTimeoutMs,
    },
    {
      kind: 'duration',
      key: 'handshakeTimeoutMs',
      flag: '--apns-handshake-timeout <duration>',
      env: 'PUSHSIM_APNS_HANDSHAKE_TIMEOUT',
      description: "abort an APNs TLS handshake not done within this (0 = Node's 120 s)",
      defaultMs: APNS_TRANSPORT_TIMEOUTS.handshakeTimeoutMs,
    },
    {
      kind: 'duration',
      key: 'prefaceTimeoutMs',
      flag: '--apns-preface-timeout <duration>',
      env: 'PUSHSIM_APNS_PREFACE_TIMEOUT',
      description: 'close an APNs connection that sends no HTTP/2 preface within this (0 = never)',
      defaultMs: APNS_TRANSPORT_TIMEOUTS.prefaceTimeoutMs,
    },
    {
      kind: 'duration',
      key: 'streamTimeoutMs',
      flag: '--apns-stream-timeout <duration>',
      env: 'PUSHSIM_APNS_STREAM_TIMEOUT',
      description: 'reset an APNs stream (RST_STREAM CANCEL) whose body has not ended within this (0 = never)',
      defaultMs: APNS_TRANSPORT_TIMEOUTS.streamTimeoutMs,
    },
  ],
  tlsHostNames: [...PRODUCTION_HOSTS, ...SANDBOX_HOSTS, ...CHANNEL_HOSTS],
  faults: APNS_FAULTS,
  // Its rows of delivery (apns.*, store.apns.newest-only: one notification per app for an offline device) are the
  // delivery core's, written for the platforms' own channels; its Live Activity rows and broadcast rows are its own.
  rules: {
    ...APNS_LIVE_ACTIVITY_RULES,
    accept: [...BROADCAST_ACCEPT_RULES, ...(APNS_LIVE_ACTIVITY_RULES.accept ?? [])],
  },
  controlRoutes: APNS_CONTROL_ROUTES,
  scenarioStep: apnsScenarioStep,
  resend: APNS_RESEND,
  create: (context) =>
    new ApnsProvider(context.simulation, context.ca, context.faults, {
      ...context.options,
      host: context.host,
      port: context.ports.apns!,
      productionPort: context.ports['apns-production']!,
      channelsPort: context.ports['apns-channels']!,
      channelsProductionPort: context.ports['apns-channels-production']!,
    }),
} as const satisfies ServiceModule<'apns', ApnsServiceOptions, ApnsProvider>;
