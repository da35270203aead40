// HMS as a service module: Huawei Push Kit's server API (OAuth client credentials, messages:send, topics) on one HTTPS
// port, its push tokens for apps on Huawei phones, the Huawei hosts a backend dials, what Push Kit keeps for an offline
// device (its `store` rows), its rows of the rules table (hms-rules.ts), its control routes' docs, the `hms` step and
// `pushsim push --service hms`.
import type { ServiceModule } from '../service-module.js';
import { HMS_TRANSPORT_TIMEOUTS, HmsProvider, type HmsProviderOptions } from './hms-provider.js';
import { HMS_FAULTS } from './hms-errors.js';
import { HMS_TOKEN_KIND } from './hms-token.js';
import { hmsScenarioStep } from './hms-scenario-step.js';
import { HMS_RULES } from './hms-rules.js';
import { HMS_CONTROL_ROUTES } from './hms-control-routes.js';
import { hmsCliSender } from './hms-cli-sender.js';
import { HMS_RESEND } from './hms-resend.js';

export type HmsServiceOptions = Omit<HmsProviderOptions, 'host' | 'port'>;

const HUAWEI_HOSTS = ['push-api.cloud.huawei.com', 'oauth-login.cloud.huawei.com'];

export const hmsService = {
  name: 'hms',
  title: 'HMS Push Kit',
  tokenKinds: [HMS_TOKEN_KIND],
  endpoints: [
    {
      name: 'hms',
      portOption: 'hmsPort',
      flag: '--hms-port',
      env: 'PUSHSIM_HMS_PORT',
      defaultPort: 4804,
      description: 'HMS (Huawei Push Kit) provider port',
      publicHosts: HUAWEI_HOSTS,
    },
  ],
  settings: [
    // Transport timeouts (as FCM's, docs/fcm-fidelity.md): what a client that stops talking may hold.
    {
      kind: 'duration',
      key: 'idleTimeoutMs',
      flag: '--hms-idle-timeout <duration>',
      env: 'PUSHSIM_HMS_IDLE_TIMEOUT',
      description: 'close an HMS connection idle this long (HTTP/2: GOAWAY; HTTP/1.1 keep-alive too) (0 = never)',
      defaultMs: HMS_TRANSPORT_TIMEOUTS.idleTimeoutMs,
    },
    {
      kind: 'duration',
      key: 'handshakeTimeoutMs',
      flag: '--hms-handshake-timeout <duration>',
      env: 'PUSHSIM_HMS_HANDSHAKE_TIMEOUT',
      description: "abort an HMS TLS handshake not done within this (0 = Node's 120 s)",
      defaultMs: HMS_TRANSPORT_TIMEOUTS.handshakeTimeoutMs,
    },
  ],
  tlsHostNames: HUAWEI_HOSTS,
  faults: HMS_FAULTS,
  rules: HMS_RULES,
  controlRoutes: HMS_CONTROL_ROUTES,
  scenarioStep: hmsScenarioStep,
  resend: HMS_RESEND,
  cliSender: hmsCliSender,
  create: (context) =>
    new HmsProvider(context.simulation, context.ca, context.faults, {
      ...context.options,
      host: context.host,
      port: context.ports.hms!,
    }),
} as const satisfies ServiceModule<'hms', HmsServiceOptions, HmsProvider>;
