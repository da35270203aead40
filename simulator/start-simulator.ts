// startSimulator(): the simulator in-process — the same server `pushsim serve` runs — returning a handle for tests. The
// services it serves, their ports, options and URLs come from the list of service modules (providers/services.ts).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';
import { ErrorCodes, SimulatorError, type Clock, type Duration, type Ledger, type Registry } from './core/index.js';
import { Simulation, type SimulationOptions } from './engine/index.js';
import {
  createControlApp,
  attachEventFeed,
  attachShimGateway,
  ControlGuard,
  isLoopbackHost,
  routeUpgrades,
  ScenarioRunsLoader,
  type EndpointInfo,
  type EventFeed,
} from './control/index.js';
import { PUSHSIM_VERSION } from './package-version.js';
import { Recordings, type RecordingsSettings } from './recording/index.js';
import { SHIM_PATH } from './shim-protocol/index.js';
import {
  FaultInjector,
  SERVICES,
  loadCertificateAuthority,
  rulesTableOf,
  tokenKindsOf,
  urlKey,
  type BuiltInServices,
  type CertificateAuthority,
  type ServiceInstance,
  type ServiceInstanceOf,
  type ServiceModule,
  type ServiceOptionsOf,
} from './providers/index.js';

type PortOptionOf<M extends readonly ServiceModule[]> = M[number]['endpoints'][number]['portOption'];
type UrlKeyOf<Name extends string> = Name extends `${infer Head}-${infer Tail}`
  ? `${Head}${Capitalize<UrlKeyOf<Tail>>}`
  : Name;

/**
 * Per service module: its option object (`apns: { permissive: true }`, or `false` to not serve it) and its endpoints'
 * ports (`apnsPort`, `apnsProductionPort`, `fcmPort`: the module's defaults, or free ports when controlPort is 0).
 */
export type ServiceOptions<M extends readonly ServiceModule[] = BuiltInServices> = {
  [S in M[number] as S['name']]?: ServiceOptionsOf<S>;
} & { [P in PortOptionOf<M>]?: number };

/** The Simulation's options, less the token kinds and rules: startSimulator() takes them from its service modules. */
export interface CoreSimulatorOptions extends Omit<SimulationOptions, 'tokenKinds' | 'rules'> {
  /**
   * Interface to listen on; loopback by default. Any other (`0.0.0.0`, a LAN address) needs `token` or
   * `insecurePublic: true`: the control plane mints keys and drives every device.
   */
  host?: string;
  /**
   * Access token every control-plane call must carry (`Authorization: Bearer <token>`; ws: `?token=`); none by
   * default.
   */
  token?: string;
  /** Serve a non-loopback `host` without a token, knowingly (`--insecure-public`). */
  insecurePublic?: boolean;
  /** More Host header names the control plane answers (a proxy's, a container's); loopback names always. */
  allowedHosts?: readonly string[];
  /** Browser origins allowed to call the control plane (CORS); none by default, `*` for any. */
  corsOrigins?: readonly string[];
  /** Control plane (REST, ws feed, dashboard) port; 4800 by default, 0 for any free port. */
  controlPort?: number;
  /** Where the CA and server certificate are kept; in memory for this process when absent. */
  stateDir?: string;
  /** Seed of the fault injector's random choices, to replay a chaotic run. */
  faultSeed?: number;
  /** Session recordings' settings: `stepLimit`, the most steps one writes before it stops by itself (10,000). */
  recordings?: RecordingsSettings;
}

/**
 * startSimulator() options. The services' own (apns, fcm, zpns and their ports) are declared by their modules; pass
 * `services` to serve another list (a module of your own next to the built-in ones).
 */
export type SimulatorOptions<M extends readonly ServiceModule[] = BuiltInServices> = CoreSimulatorOptions &
  ServiceOptions<M> & {
    /** The service modules to serve; providers/services.ts's SERVICES by default. */
    services?: M;
  };

/**
 * The control plane's URLs and one per service endpoint (`apns`, `apnsProduction`, `fcm`; '' when a service is off).
 */
export type SimulatorUrls<M extends readonly ServiceModule[] = BuiltInServices> = {
  control: string;
  api: string;
  events: string;
  /** ws endpoint of the client-shim transport. */
  shim: string;
} & { [K in UrlKeyOf<M[number]['endpoints'][number]['name']>]: string };

export type SimulatorHandle<M extends readonly ServiceModule[] = BuiltInServices> = AsyncDisposable & {
  readonly urls: SimulatorUrls<M>;
  readonly endpoints: EndpointInfo[];
  readonly simulation: Simulation;
  readonly clock: Clock;
  readonly registry: Registry;
  readonly ledger: Ledger;
  /** The CA clients trust (PEM), also at GET /api/ca.pem. */
  readonly caPem: string;
  readonly faults: FaultInjector;
  /**
   * Session recordings, as POST /api/recordings starts them: `recordings.start()`, then `recordings.scenarioYaml(id)`
   * is a scenario file of what was done since.
   */
  readonly recordings: Recordings;
  /** The service modules this simulator was started with (those turned off included). */
  readonly services: M;
  /** The running instance of a service, by module name; undefined when it is off. */
  service(name: string): ServiceInstance | undefined;
  /** Advances a virtual clock (throws on a real one). */
  advance(by: Duration): Promise<number>;
  /** Forgets every device, app, token and push: a clean slate between tests. */
  reset(): void;
  close(): Promise<void>;
} & { readonly [S in M[number] as S['name']]?: ServiceInstanceOf<S> };

/** Default ports: the control plane's and each built-in endpoint's, by URL key (`apnsProduction`). */
export const DEFAULT_PORTS = {
  control: 4800,
  ...Object.fromEntries(SERVICES.flatMap((s) => s.endpoints.map((e) => [urlKey(e.name), e.defaultPort]))),
} as { readonly control: number } & {
  readonly [K in UrlKeyOf<BuiltInServices[number]['endpoints'][number]['name']>]: number;
};

function listen(server: Server, port: number, host: string, what: string, flag: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      server.off('listening', onListening);
      if (error.code === 'EADDRINUSE')
        reject(
          new SimulatorError(
            ErrorCodes.PORT_IN_USE,
            `${what} port ${host}:${port} is already in use; stop whatever holds it or choose another with ${flag} <port> (0 picks a free one)`,
            flag,
          ),
        );
      else if (error.code === 'EACCES')
        reject(
          new SimulatorError(
            ErrorCodes.PORT_FORBIDDEN,
            `not allowed to listen on ${host}:${port}; pick a port above 1023 with ${flag}`,
            flag,
          ),
        );
      else reject(error);
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

const isWildcardHost = (host: string): boolean => host === '0.0.0.0' || host === '::' || host === '[::]';

/** What a client on the network calls this machine: its host name and addresses (a wildcard bind answers them all). */
function machineHostNames(): string[] {
  const addresses = Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((a) => a.address));
  return [hostname(), ...addresses];
}

const urlHost = (host: string): string => (host.includes(':') ? `[${host}]` : host);

export async function startSimulator<const M extends readonly ServiceModule[] = BuiltInServices>(
  options: SimulatorOptions<M> = {},
): Promise<SimulatorHandle<M>> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token || undefined;
  if (!isLoopbackHost(host) && token === undefined && !options.insecurePublic)
    throw new SimulatorError(
      ErrorCodes.INVALID_INPUT,
      `refusing to serve the control plane on ${host} without an access token: anyone who can reach it could drive the simulator and mint keys. Give --token <secret> (or PUSHSIM_TOKEN, startSimulator({ token })), or --insecure-public to serve it open anyway`,
      'host',
    );
  const guard = new ControlGuard({
    ...(token !== undefined ? { token } : {}),
    host,
    allowedHosts: [...(options.allowedHosts ?? []), ...(isWildcardHost(host) ? machineHostNames() : [])],
    ...(options.corsOrigins ? { corsOrigins: options.corsOrigins } : {}),
  });
  const modules = (options.services ?? SERVICES) as unknown as M;
  const byName = options as Record<string, unknown>;
  const simulation = new Simulation({ ...options, tokenKinds: tokenKindsOf(modules), rules: rulesTableOf(modules) });
  const anyPort = options.controlPort === 0;
  const ca: CertificateAuthority = loadCertificateAuthority(
    options.stateDir,
    modules.flatMap((m) => m.tlsHostNames),
  );
  const faults = new FaultInjector(options.faultSeed ?? 1);
  faults.observe((change) =>
    simulation.bus.emit(
      'fault.changed',
      'added' in change
        ? { added: change.added }
        : 'removed' in change
          ? { removed: change.removed }
          : change.cleared !== undefined
            ? { cleared: change.cleared }
            : { clearedAll: true },
    ),
  );
  let controlBase = '';
  const running: { module: ServiceModule; instance: ServiceInstance }[] = [];
  for (const module of modules as readonly ServiceModule[]) {
    const own = byName[module.name];
    if (own === false) continue;
    const ports = Object.fromEntries(
      module.endpoints.map((e) => [
        e.name,
        (byName[e.portOption] as number | undefined) ?? (anyPort ? 0 : e.defaultPort),
      ]),
    );
    const instance = module.create({
      simulation,
      ca,
      faults,
      host,
      ports,
      options: (own || {}) as object,
      controlUrl: () => controlBase,
    });
    running.push({ module, instance });
  }
  let endpoints: EndpointInfo[] = [];
  const recordings = new Recordings(
    simulation,
    () => running.flatMap((r) => (r.instance.scenarioSetup ? [r.instance.scenarioSetup()] : [])),
    options.recordings,
  );
  const scenarioRuns = new ScenarioRunsLoader(simulation);
  const app = createControlApp(simulation, {
    endpoints: () => endpoints,
    version: PUSHSIM_VERSION,
    caPem: ca.caPem,
    routers: running.map((r) => r.instance.routes()),
    services: running.map((r) => r.module),
    guard,
    recordings,
    scenarioRuns,
  });
  const server = createServer(app);
  server.keepAliveTimeout = 5_000;
  const port = await listen(server, options.controlPort ?? DEFAULT_PORTS.control, host, 'the control plane', '--port');
  controlBase = `http://${urlHost(host)}:${port}`;
  const serviceEndpoints: EndpointInfo[] = [];
  try {
    for (const { module, instance } of running) {
      // Each endpoint says which public hosts it stands in for, so the redirect (another process) finds its targets.
      for (const endpoint of await instance.start()) {
        const hosts = module.endpoints.find((e) => e.name === endpoint.name)?.publicHosts;
        serviceEndpoints.push(hosts?.length ? { ...endpoint, hosts: [...hosts] } : endpoint);
      }
    }
  } catch (error) {
    for (const { instance } of running) await instance.stop().catch(() => {});
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const e = error as NodeJS.ErrnoException & { port?: number };
    const flags = modules.flatMap((m) => m.endpoints.map((p) => p.flag));
    if (e.code === 'EADDRINUSE')
      throw new SimulatorError(
        ErrorCodes.PORT_IN_USE,
        `a provider port on ${host} is already in use (${e.message}); choose others with ${flags.slice(0, -1).join(', ')}${flags.length > 1 ? ' or ' : ''}${flags.at(-1) ?? '--port'} (0 picks a free one)`,
        flags[0] ?? '--port',
      );
    throw error;
  }
  const feed: EventFeed = attachEventFeed(simulation);
  const shims = attachShimGateway(simulation);
  routeUpgrades(
    server,
    guard,
    new Map([
      ['/api/events', feed.upgrade],
      [SHIM_PATH, shims.upgrade],
    ]),
  );

  const base = `http://${urlHost(host)}:${port}`;
  const urls: Record<string, string> = {
    control: base,
    api: `${base}/api`,
    events: `ws://${urlHost(host)}:${port}/api/events`,
    shim: `ws://${urlHost(host)}:${port}/api/shim`,
  };
  for (const module of modules as readonly ServiceModule[]) {
    for (const declared of module.endpoints)
      urls[urlKey(declared.name)] = serviceEndpoints.find((e) => e.name === declared.name)?.url ?? '';
  }
  endpoints = [
    {
      name: 'control',
      protocol: 'http',
      url: urls.api!,
      status: 'listening',
      description: 'REST control API: devices, apps, lifecycle, pushes, ledger, clock, rules',
    },
    {
      name: 'events',
      protocol: 'ws',
      url: urls.events!,
      status: 'listening',
      description: 'live feed of pushes, fates and state changes',
    },
    {
      name: 'shim',
      protocol: 'ws',
      url: urls.shim!,
      status: 'listening',
      description: 'client-shim transport: one app install per connection (docs/shim-protocol.md)',
    },
    {
      name: 'native-send',
      protocol: 'http',
      url: `${urls.api}/pushes`,
      status: 'listening',
      description: 'simulator-native send of a normalised push addressed by token',
    },
    ...serviceEndpoints,
    {
      name: 'ca',
      protocol: 'http',
      url: `${urls.api}/ca.pem`,
      status: 'listening',
      description: 'the CA certificate to trust for the TLS endpoints',
    },
  ];

  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= (async () => {
      // First, so no recording writes down the uninstalls of the reset below as the session's own steps.
      recordings.stopAll();
      // A run started from the control plane holds simulators and ports of its own until it ends.
      await scenarioRuns.settled();
      await feed.close();
      await shims.close();
      for (const { instance } of running) await instance.stop();
      simulation.reset();
      simulation.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    })();
    return closed;
  };

  const instances = Object.fromEntries(running.map((r) => [r.module.name, r.instance]));
  return {
    urls,
    endpoints,
    simulation,
    clock: simulation.clock,
    registry: simulation.registry,
    ledger: simulation.ledger,
    caPem: ca.caPem,
    ...instances,
    services: modules,
    service: (name: string) => instances[name],
    faults,
    recordings,
    advance: (by: Duration) => simulation.advance(by),
    reset: () => simulation.reset(),
    close,
    [Symbol.asyncDispose]: close,
  } as unknown as SimulatorHandle<M>;
}
