// startSimulator(): the simulator in-process — the same server `pushsim serve` runs — returning a handle for tests.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SimulatorError, type Clock, type Duration, type Ledger, type Registry } from './core/index.js';
import { Simulation, type SimulationOptions } from './engine/index.js';
import { createControlApp, attachEventFeed, attachShimGateway, type EndpointInfo, type EventFeed } from './control/index.js';
import { PUSHSIM_VERSION } from './package-version.js';
import { loadCertificateAuthority, type CertificateAuthority } from './providers/tls/certificate-authority.js';
import { FaultInjector } from './providers/fault-injection.js';
import { ApnsProvider, type ApnsProviderOptions } from './providers/apns/index.js';
import type { Provider } from './providers/provider.js';
import { FcmProvider, type FcmProviderOptions } from './providers/fcm/index.js';
import { ZpnsProvider, type ZpnsProviderOptions } from './providers/zpns/index.js';

export interface SimulatorOptions extends SimulationOptions {
  /** Interface to listen on; loopback by default. */
  host?: string;
  /** Control plane (REST, ws feed, dashboard) port; 4800 by default, 0 for any free port. */
  controlPort?: number;
  /** APNs sandbox endpoint port; 4801 by default (0 when controlPort is 0). */
  apnsPort?: number;
  /** APNs production endpoint port; 4803 by default (0 when controlPort is 0). */
  apnsProductionPort?: number;
  /** APNs settings (keys, permissive mode, h2c...), or false to not serve APNs. */
  apns?: Partial<Omit<ApnsProviderOptions, 'host' | 'port' | 'productionPort'>> | false;
  /** Where the CA and server certificate are kept; in memory for this process when absent. */
  stateDir?: string;
  /** Seed of the fault injector's random choices, to replay a chaotic run. */
  faultSeed?: number;
  /** FCM endpoint port (HTTP v1, OAuth, topics); 4802 by default (0 when controlPort is 0). */
  fcmPort?: number;
  /** FCM settings (projects, permissive mode, quotas), or false to not serve FCM. */
  fcm?: Partial<Omit<FcmProviderOptions, 'host' | 'port'>> | false;
  /** ZPNs settings (push strategies, the resourcesID limit), or false to not serve ZPNs. */
  zpns?: Partial<Omit<ZpnsProviderOptions, 'controlUrl'>> | false;
}

export interface SimulatorUrls {
  control: string;
  api: string;
  events: string;
  /** ws endpoint of the client-shim transport. */
  shim: string;
  apns: string;
  apnsProduction: string;
  fcm: string;
}

export interface SimulatorHandle extends AsyncDisposable {
  readonly urls: SimulatorUrls;
  readonly endpoints: EndpointInfo[];
  readonly simulation: Simulation;
  readonly clock: Clock;
  readonly registry: Registry;
  readonly ledger: Ledger;
  /** The CA clients trust (PEM), also at GET /api/ca.pem. */
  readonly caPem: string;
  readonly apns?: ApnsProvider;
  readonly fcm?: FcmProvider;
  readonly zpns?: ZpnsProvider;
  readonly faults: FaultInjector;
  /** Advances a virtual clock (throws on a real one). */
  advance(by: Duration): Promise<number>;
  /** Forgets every device, app, token and push: a clean slate between tests. */
  reset(): void;
  close(): Promise<void>;
}

export const DEFAULT_PORTS = { control: 4800, apns: 4801, fcm: 4802, apnsProduction: 4803 } as const;

function listen(server: Server, port: number, host: string, what: string, flag: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      server.off('listening', onListening);
      if (error.code === 'EADDRINUSE') reject(new SimulatorError('PORT_IN_USE', `${what} port ${host}:${port} is already in use; stop whatever holds it or choose another with ${flag} <port> (0 picks a free one)`, flag, 500));
      else if (error.code === 'EACCES') reject(new SimulatorError('PORT_FORBIDDEN', `not allowed to listen on ${host}:${port}; pick a port above 1023 with ${flag}`, flag, 500));
      else reject(error);
    };
    const onListening = (): void => { server.off('error', onError); resolve((server.address() as AddressInfo).port); };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

const urlHost = (host: string): string => (host.includes(':') ? `[${host}]` : host);

export async function startSimulator(options: SimulatorOptions = {}): Promise<SimulatorHandle> {
  const host = options.host ?? '127.0.0.1';
  const simulation = new Simulation(options);
  const anyPort = options.controlPort === 0;
  const ca: CertificateAuthority = loadCertificateAuthority(options.stateDir);
  const faults = new FaultInjector(options.faultSeed ?? 1);
  const providers: Provider[] = [];
  let apns: ApnsProvider | undefined;
  if (options.apns !== false) {
    apns = new ApnsProvider(simulation, ca, faults, {
      ...(options.apns || {}),
      host,
      port: options.apnsPort ?? (anyPort ? 0 : DEFAULT_PORTS.apns),
      productionPort: options.apnsProductionPort ?? (anyPort ? 0 : DEFAULT_PORTS.apnsProduction),
    });
    providers.push(apns);
  }
  let fcm: FcmProvider | undefined;
  if (options.fcm !== false) {
    fcm = new FcmProvider(simulation, ca, faults, { ...(options.fcm || {}), host, port: options.fcmPort ?? (anyPort ? 0 : DEFAULT_PORTS.fcm) });
    providers.push(fcm);
  }
  let controlBase = '';
  let zpns: ZpnsProvider | undefined;
  if (options.zpns !== false) {
    zpns = new ZpnsProvider(simulation, { ...(options.zpns || {}), controlUrl: () => controlBase });
    providers.push(zpns);
  }
  let endpoints: EndpointInfo[] = [];
  const app = createControlApp(simulation, { endpoints: () => endpoints, version: PUSHSIM_VERSION, routers: providers.map((p) => p.routes()) });
  const server = createServer(app);
  server.keepAliveTimeout = 5_000;
  const port = await listen(server, options.controlPort ?? DEFAULT_PORTS.control, host, 'the control plane', '--port');
  controlBase = `http://${urlHost(host)}:${port}`;
  const providerEndpoints: EndpointInfo[] = [];
  try {
    for (const provider of providers) providerEndpoints.push(...await provider.start());
  } catch (error) {
    for (const provider of providers) await provider.stop().catch(() => {});
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const e = error as NodeJS.ErrnoException & { port?: number };
    if (e.code === 'EADDRINUSE') throw new SimulatorError('PORT_IN_USE', `a provider port on ${host} is already in use (${e.message}); choose others with --apns-port, --apns-production-port or --fcm-port (0 picks a free one)`, '--apns-port', 500);
    throw error;
  }
  const feed: EventFeed = attachEventFeed(server, simulation);
  const shims = attachShimGateway(server, simulation);

  const base = `http://${urlHost(host)}:${port}`;
  const urls: SimulatorUrls = {
    control: base,
    api: `${base}/api`,
    events: `ws://${urlHost(host)}:${port}/api/events`,
    shim: `ws://${urlHost(host)}:${port}/api/shim`,
    apns: apns?.sandbox.url ?? '',
    apnsProduction: apns?.production.url ?? '',
    fcm: fcm?.server.url ?? '',
  };
  endpoints = [
    { name: 'control', protocol: 'http', url: urls.api, status: 'listening', description: 'REST control API: devices, apps, lifecycle, pushes, ledger, clock, rules' },
    { name: 'events', protocol: 'ws', url: urls.events, status: 'listening', description: 'live feed of pushes, fates and state changes' },
    { name: 'shim', protocol: 'ws', url: urls.shim, status: 'listening', description: 'client-shim transport: one app install per connection (docs/shim-protocol.md)' },
    { name: 'native-send', protocol: 'http', url: `${urls.api}/pushes`, status: 'listening', description: 'simulator-native send of a normalised push addressed by token' },
    ...providerEndpoints,
    { name: 'ca', protocol: 'http', url: `${urls.api}/ca.pem`, status: 'listening', description: 'the CA certificate to trust for the TLS endpoints' },
  ];

  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= (async () => {
      await feed.close();
      await shims.close();
      for (const provider of providers) await provider.stop();
      simulation.reset();
      await new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); });
    })();
    return closed;
  };

  return {
    urls,
    endpoints,
    simulation,
    clock: simulation.clock,
    registry: simulation.registry,
    ledger: simulation.ledger,
    caPem: ca.caPem,
    ...(apns ? { apns } : {}),
    ...(fcm ? { fcm } : {}),
    ...(zpns ? { zpns } : {}),
    faults,
    advance: (by) => simulation.advance(by),
    reset: () => simulation.reset(),
    close,
    [Symbol.asyncDispose]: close,
  };
}
