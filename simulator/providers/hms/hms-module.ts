// HMS as a service module: Huawei Push Kit's server API (OAuth client credentials, messages:send, topics) on one HTTPS
// port, its push tokens for apps on Huawei phones, the Huawei hosts a backend dials, what Push Kit keeps for an offline
// device, its fault catalogue and the `hms` step. Its delivery rows are the `hms` rows of the one rules table.
import type { ServiceModule } from '../service-module.js';
import { HmsProvider, type HmsProviderOptions } from './hms-provider.js';
import { HMS_FAULTS } from './hms-errors.js';
import { HMS_TOKEN_KIND } from './hms-token.js';
import { hmsScenarioStep } from './hms-scenario-step.js';

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
  settings: [],
  tlsHostNames: HUAWEI_HOSTS,
  // collapse_key: -1 keeps all, 0 the newest, 1–100 the newest per group; the maximum kept is unconfirmed
  // (docs/reference/hms.md#offline-storage-and-collapse_key). 101 keys: 0 and 1–100.
  offlinePolicy: {
    collapse: 'collapse-key',
    maxNonCollapsible: Number.MAX_SAFE_INTEGER,
    maxCollapseKeys: 101,
    source: ['docs/reference/hms.md#offline-storage-and-collapse_key'],
  },
  faults: HMS_FAULTS,
  rules: [],
  scenarioStep: hmsScenarioStep,
  create: (context) =>
    new HmsProvider(context.simulation, context.ca, context.faults, {
      ...context.options,
      host: context.host,
      port: context.ports.hms!,
    }),
} as const satisfies ServiceModule<'hms', HmsServiceOptions, HmsProvider>;
