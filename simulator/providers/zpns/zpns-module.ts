// ZPNs as a service module: ZEGO's push strategies and ZIM-shaped sends, served on the control plane (/api/zpns), its
// pushIDs, and the scenario's `zim` step. Its offline pushes go out through APNs and FCM, whose policies apply.
import { ZPNS_TOKEN_KIND } from '../../core/index.js';
import type { ServiceModule } from '../service-module.js';
import { ZPNS_CONTROL_ROUTES } from './zpns-control-routes.js';
import { ZpnsProvider, type ZpnsProviderOptions } from './zpns-provider.js';
import { zimScenarioStep } from './zim-scenario-step.js';

export type ZpnsServiceOptions = Omit<ZpnsProviderOptions, 'controlUrl'>;

export const zpnsService = {
  name: 'zpns',
  title: 'ZPNs',
  tokenKinds: [ZPNS_TOKEN_KIND],
  endpoints: [],
  settings: [],
  tlsHostNames: [],
  // ZIM keeps offline messages for the receiver's next login; the push it sends meanwhile is stored by the channel it
  // goes out on (APNs, FCM, a vendor's) under that channel's rows (docs/reference/zpns.md#offline-push-only-when-offline).
  rules: {},
  controlRoutes: ZPNS_CONTROL_ROUTES,
  scenarioStep: zimScenarioStep,
  create: (context) =>
    new ZpnsProvider(context.simulation, { ...context.options, controlUrl: () => context.controlUrl() }),
} as const satisfies ServiceModule<'zpns', ZpnsServiceOptions, ZpnsProvider>;
