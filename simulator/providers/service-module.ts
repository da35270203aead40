// The one interface a push service (each one listed in services.ts; next Web Push) implements: everything the rest of the
// simulator needs from it, declared as data on one object, so startSimulator, the CLI's flags, /api/endpoints, the
// redirect, the CA, the scenario schema, the rules table and the control API's docs are built from the list of modules
// (services.ts) instead of being written out per service.
import type { Router } from 'express';
import type { ZodObject, ZodType } from 'zod';
import type { Clock, Ledger, Registry, TokenKind } from '../core/index.js';
import type { PushResend, Simulation } from '../engine/index.js';
import { composeRulesTable, type RulesTable, type ServiceRules } from '../delivery/index.js';
import type { EndpointInfo } from '../model/index.js';
import type { CertificateAuthority } from './tls/index.js';
import type { FaultInjector } from './fault-injection.js';

/** One listening wire endpoint a service declares: its port option, flag, environment variable and default port. */
export interface WireEndpoint {
  /** Its name in GET /api/endpoints (`apns-production`); its URL is `urls.<camelCase name>` on the handle. */
  readonly name: string;
  /** The startSimulator() option holding its port (`apnsProductionPort`). */
  readonly portOption: string;
  /** The `pushsim serve` flag (`--apns-production-port`) and environment variable (`PUSHSIM_APNS_PRODUCTION_PORT`). */
  readonly flag: string;
  readonly env: string;
  /** Its port when none is given and the control port is not 0 (then every port is a free one). */
  readonly defaultPort: number;
  /** One line for --help. */
  readonly description: string;
  /** The public host names a backend dials for it; `pushsim exec` / `--import pushsim/redirect` send them here. */
  readonly publicHosts: readonly string[];
}

/**
 * A setting of the service a `pushsim serve` flag sets: a switch (`--apns-h2c` → `apns.h2c`) or a duration
 * (`--apns-idle-timeout 30m` → `apns.idleTimeoutMs`).
 */
export type ServiceSetting = BooleanServiceSetting | DurationServiceSetting;

interface ServiceSettingBase {
  /** The key inside the service's option object (`h2c` → `SimulatorOptions.apns.h2c`). */
  readonly key: string;
  /** The flag as --help shows it: `--apns-h2c`, or with its value `--apns-idle-timeout <duration>`. */
  readonly flag: string;
  readonly env: string;
  readonly description: string;
}

/** An on/off switch: the flag alone turns it on. */
export interface BooleanServiceSetting extends ServiceSettingBase {
  readonly kind?: 'boolean';
  readonly defaultValue: boolean;
}

/**
 * A duration in milliseconds (`30s`, `1h`, `250ms` or a number of ms on the command line), at most what a timer can
 * wait (2^31 − 1 ms); the service applies `defaultMs` when none is given.
 */
export interface DurationServiceSetting extends ServiceSettingBase {
  readonly kind: 'duration';
  readonly defaultMs: number;
}

/** The errors a fault may answer with, and how a fault picks its pushes. */
export interface FaultCatalogue {
  /** Whether a reason / error code is one the service answers with. */
  isReason(reason: string): boolean;
  /** The control route that lists the reasons (for the error message of an unknown one). */
  readonly reasonsPath: string;
  /** The token kind a fault's `token` (and a scenario fault's `app`) means. */
  readonly tokenKind: string;
}

/** One control route of the service, as GET /api/openapi.json and docs/control-api.md describe it. */
export interface ControlRouteDoc {
  readonly method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Under /api, in express's spelling (`/apns/keys/:keyId`). */
  readonly path: string;
  readonly summary: string;
  readonly description?: string;
  /** What each `:param` of the path names. */
  readonly params?: Readonly<Record<string, string>>;
  /** The zod schema the route checks its body with, and a body it accepts (shown in the docs, sent by the tests). */
  readonly body?: ZodType;
  readonly example?: unknown;
  readonly query?: ZodObject;
  /** The model schema of the success answer (simulator/model/), or `[schema]` for a list of them. */
  readonly response?: ZodType | readonly [ZodType];
  /** Success answers by status; every route may also answer pushsim's error shape. */
  readonly responses: Readonly<Record<number, string>>;
  /** The success answer's media type when it is not JSON. */
  readonly produces?: string;
}

/** The routes ServiceInstance.routes() mounts under /api, documented: they are the service's section of the docs. */
export interface ControlRoutesDoc {
  /** The section's one line (`APNs: signing keys, client certificates, fault injection`). */
  readonly description: string;
  /** Every route routes() serves (test/integration/openapi.test.ts fails on one missing or one too many). */
  readonly routes: readonly ControlRouteDoc[];
}

/** The simulator a scenario step runs against: the handle startSimulator() returns, as far as a step needs it. */
export interface ScenarioSimulator {
  readonly urls: Readonly<Record<string, string>>;
  readonly caPem: string;
  readonly clock: Clock;
  readonly registry: Registry;
  readonly ledger: Ledger;
  readonly simulation: Simulation;
  service(name: string): ServiceInstance | undefined;
}

/** What a send step records under its `as` name, for later expectations. */
export interface SentPush {
  pushIds: string[];
  status?: number;
  reason?: string;
  errorCode?: string;
}

/** One scenario run, as a service's step sees it. */
export interface ScenarioStepContext {
  readonly sim: ScenarioSimulator;
  /** The scenario file (for paths relative to it) and the parsed scenario (for its `keys`, `apps`...). */
  readonly scenarioPath: string;
  readonly scenario: {
    readonly apps: readonly { id: string; bundleId: string }[];
    readonly keys?: Record<string, unknown>;
  };
  readonly stateDir?: string | undefined;
  /** The token of this kind a scenario app had, kept past uninstall (a send after `uninstall` gets 410 / 404). */
  tokenOf(appId: string, kind: string): string | undefined;
  /** Records a named push. */
  record(as: string | undefined, sent: SentPush): void;
  /** The push token of a Live Activity the run named (`activity` step `as:`). */
  activityToken(name: string): string | undefined;
  /** Names a Live Activity for later steps (a push-to-start push's `as:` names the activity it started). */
  nameActivity(name: string, activityId: string): void;
  /** Per-run state of one service (keys, connection pools), created on first use and closed with the run. */
  session<T extends { close(): void | Promise<void> }>(name: string, create: () => T): T;
}

/** A scenario step kind the service adds (`apns:`, `fcm:`, `zim:`). */
export interface ScenarioStep {
  readonly kind: string;
  /** The step's schema; its description is the step's line in docs/scenarios.md. */
  readonly schema: ZodType;
  /** Prepares a run before its steps (declared keys...); optional. */
  setup?(ctx: ScenarioStepContext): void | Promise<void>;
  /** Runs one step; a string is a failure the report shows. */
  run(ctx: ScenarioStepContext, spec: never): Promise<string | undefined>;
}

/**
 * How `pushsim push --service <name>` sends over the service's wire: the CLI finds the device token (`--token`, else
 * the token of this kind of the app `--package` names), the endpoint and the CA; the sender gets its credentials
 * (minted on the simulator unless its flags give them), sends, and names the pushes whose fates the CLI prints.
 */
export interface CliSender {
  /** The flags only this service's send reads, as commander spells them (`--app-id <id>`), with their --help line. */
  readonly flags: readonly { readonly flag: string; readonly description: string }[];
  /** The `--payload` when none is given. */
  readonly defaultPayload: Readonly<Record<string, unknown>>;
  send(request: CliSendRequest): Promise<CliSendResult>;
}

/** One `pushsim push --service <name>`, as its sender sees it. */
export interface CliSendRequest {
  /** The service's endpoint: `--url`, else the one pushsim lists under the service's first endpoint name. */
  readonly url: string;
  readonly ca: string;
  /** `--payload`, or the sender's `defaultPayload`. */
  readonly payload: Record<string, unknown>;
  readonly token: string;
  /** The app `--package` named (absent with `--token`): its package and, for FCM, its Firebase project. */
  readonly app?: { readonly bundleId: string; readonly fcmProject?: string };
  /** This service's own flags, by commander's camelCase key (`--app-id` → `appId`). */
  readonly flags: Readonly<Record<string, string | undefined>>;
  /** POSTs JSON to the running pushsim's control API (`/api/<path>`), with `--access-token`. */
  controlPost<T>(path: string, body: unknown): Promise<T>;
  /** A line for stderr (what was minted). */
  note(line: string): void;
}

export interface CliSendResult {
  /** The answer as the CLI prints it: the HTTP status and the body. */
  readonly status: number;
  readonly body: string;
  readonly isAccepted: boolean;
  /** Ledger ids of the pushes the send made (none for a fan-out: those are in GET /api/pushes). */
  readonly pushIds: readonly string[];
}

/** What a service gets when the simulator starts it. */
export interface ServiceContext<Options> {
  readonly simulation: Simulation;
  readonly ca: CertificateAuthority;
  readonly faults: FaultInjector;
  /** Interface to listen on. */
  readonly host: string;
  /** The port of each of its endpoints, by endpoint name (0 = a free one). */
  readonly ports: Readonly<Record<string, number>>;
  /** Its options: `SimulatorOptions[name]`, `{}` when absent. */
  readonly options: Partial<Options>;
  /** The control plane's base URL (known once it listens), for services served on it. */
  controlUrl(): string;
}

/** A running service: what startSimulator() keeps and `handle.<name>` returns. */
export interface ServiceInstance {
  /** Starts listening; resolves with the endpoints it serves (names as declared in `endpoints`). */
  start(): Promise<EndpointInfo[]>;
  stop(): Promise<void>;
  /** Control-plane routes (keys, faults...), mounted under /api. */
  routes(): Router;
  /** Forgets per-test state (faults, rate counters); configuration such as keys stays. */
  reset(): void;
  /**
   * What of its state a scenario file declares at its top (ZPNs: `strategies` and each app's `zimUser`): a session
   * recording (simulator/recording/) writes it into the scenario's setup.
   */
  scenarioSetup?(): ServiceScenarioSetup;
}

/** A service's part of a recorded scenario's setup. */
export interface ServiceScenarioSetup {
  /** Entries of the scenario's `strategies`. */
  strategies?: Record<string, unknown>[];
  /** Fields to add to an app's declaration, by app id (`zimUser`, `zimConnection`). */
  apps?: Record<string, Record<string, unknown>>;
  /** FCM topic subscriptions, by token (written as `subscribe` steps first). */
  subscriptions?: { project: string; token: string; topic: string }[];
  /** APNs broadcast channels (written as channel creates first, so the activities subscribed to them can be started). */
  channels?: {
    bundleId: string;
    environment: 'sandbox' | 'production';
    channelId: string;
    messageStoragePolicy: 0 | 1;
    hasStoredMessage: boolean;
  }[];
}

/** A push service, declared once. */
export interface ServiceModule<
  Name extends string = string,
  Options = unknown,
  Instance extends ServiceInstance = ServiceInstance,
> {
  /**
   * The option key (`SimulatorOptions.apns`, `false` turns it off), the handle's property and the ledger's `provider`.
   */
  readonly name: Name;
  /** How people spell it (`APNs`). */
  readonly title: string;
  /** The tokens it issues to an app and resolves when a push addresses one. */
  readonly tokenKinds: readonly TokenKind[];
  /** Its own listening endpoints (none when served on the control plane, as ZPNs is). */
  readonly endpoints: readonly WireEndpoint[];
  /** Settings `pushsim serve` exposes as flags. */
  readonly settings: readonly ServiceSetting[];
  /**
   * Host names the simulator's server certificate must cover (its public hosts, so a redirected client's TLS checks
   * pass).
   */
  readonly tlsHostNames: readonly string[];
  /** Faults that may be injected into its answers; absent when it has none. */
  readonly faults?: FaultCatalogue;
  /**
   * Its rows of the rules table, by the stage table that reads them: its wire rejections (`accept`), what its channel
   * keeps for an offline device (`store`: the offline policy, as rows fates can name), what the device does with a push
   * on its channel (`channel`). A simulation composes them with the delivery core's rows (rulesTableOf).
   */
  readonly rules: ServiceRules;
  /** Its control routes' docs (routes() serves them); absent when routes() serves none. */
  readonly controlRoutes?: ControlRoutesDoc;
  /**
   * The scenario step that sends through its wire protocol (the sender the step and `pushsim push` use lives beside
   * it).
   */
  readonly scenarioStep?: ScenarioStep;
  /** How `pushsim push --service <name>` sends through it; absent when the CLI cannot (APNs has its own path). */
  readonly cliSender?: CliSender;
  /**
   * How it answers a push of its ledger sent again (POST /api/pushes/{id}/resend): its push ids, bodies and reasons,
   * and the pushes it sends its own way (Live Activities); absent, pushsim's own answers (a UUID, `{ id }`).
   */
  readonly resend?: PushResend;
  create(context: ServiceContext<Options>): Instance;
}

/** The option object a module takes, or false to leave it off. */
export type ServiceOptionsOf<M> =
  M extends ServiceModule<string, infer O, ServiceInstance> ? Partial<O> | false : never;
export type ServiceInstanceOf<M> = M extends ServiceModule<string, unknown, infer I> ? I : never;

/** `apns-production` → `apnsProduction`: an endpoint's key in the handle's `urls`. */
export function urlKey(endpointName: string): string {
  return endpointName.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** The rules table of a simulation serving these modules: the delivery core's rows and each module's `rules`. */
export function rulesTableOf(modules: readonly ServiceModule[]): RulesTable {
  return composeRulesTable(modules.map((module) => module.rules));
}

/** Every token kind of the modules, once each. */
export function tokenKindsOf(modules: readonly ServiceModule[]): TokenKind[] {
  const kinds = new Map<string, TokenKind>();
  for (const module of modules)
    for (const kind of module.tokenKinds) if (!kinds.has(kind.name)) kinds.set(kind.name, kind);
  return [...kinds.values()];
}
