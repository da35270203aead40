// The HMS provider: Push Kit's token endpoint, send and topic APIs on one HTTPS port, plus control routes
// (/api/hms/...) to register apps (their app ID and client secret), list the result codes, subscribe tokens and inject
// faults.
import { Router } from 'express';
import { z } from 'zod';
import type { Simulation } from '../../engine/index.js';
import type { EndpointInfo } from '../../model/index.js';
import { ErrorCodes, SimulatorError, parseInput } from '../../core/index.js';
import type { ServiceInstance } from '../service-module.js';
import type { CertificateAuthority } from '../tls/index.js';
import { faultRoutes, type FaultInjector } from '../fault-injection.js';
import { HMS_FAULTS, HMS_RESULT_CODES } from './hms-errors.js';
import { HmsAuth, type HmsApp } from './hms-auth.js';
import { HmsTopics } from './hms-topics.js';
import { HmsServer } from './hms-server.js';
import { transportTimeout } from '../transport-timeouts.js';

export interface HmsProviderOptions {
  host: string;
  port: number;
  /** Push Kit apps known from the start (app ID, client secret, package). */
  apps?: (Partial<HmsApp> & { appId: string; clientSecret: string })[];
  /** Sends per app per second before flow control (default 10,000). */
  perAppPerSecond?: number;
  /** An idle HTTP/2 connection gets GOAWAY (NO_ERROR) and is closed, an idle HTTP/1.1 keep-alive one is closed; 0 = never. */
  idleTimeoutMs?: number;
  /** A TLS handshake not done within this is aborted; 0 = Node's own 120 s. */
  handshakeTimeoutMs?: number;
}

/**
 * The transport timeouts' defaults: what a client that stops talking may hold (issue 13). Huawei publishes no idle or
 * handshake figure; the handshake matches APNs' 10 s, and idle is 10 minutes for HTTP/2 sessions and HTTP/1.1
 * keep-alive connections alike.
 */
export const HMS_TRANSPORT_TIMEOUTS = {
  idleTimeoutMs: 10 * 60 * 1000,
  handshakeTimeoutMs: 10_000,
} as const;

export const hmsAppSchema = z
  .object({
    appId: z
      .string()
      .regex(/^\d{6,20}$/, 'an AppGallery Connect app ID: 6–20 digits')
      .optional(),
    clientSecret: z.string().min(8).max(128).optional(),
    packageName: z
      .string()
      .regex(/^[A-Za-z][\w]*(\.[A-Za-z][\w]*)+$/, 'an Android package name like com.example.chat')
      .optional(),
    highPriorityDataMessages: z
      .boolean()
      .optional()
      .describe('Huawei granted the high-priority data message permission'),
    canSend: z.boolean().optional().describe('false: sends answer 80300002'),
  })
  .strict();
export const hmsSubscriptionSchema = z
  .object({
    appId: z.string().min(1),
    token: z.string().min(1),
    topic: z.string().regex(/^[a-zA-Z0-9-_.~%]{1,900}$/, 'a topic name: [a-zA-Z0-9-_.~%]{1,900}'),
  })
  .strict();

export class HmsProvider implements ServiceInstance {
  readonly name = 'hms';
  readonly auth = new HmsAuth();
  readonly topics = new HmsTopics();
  readonly server: HmsServer;

  constructor(
    private readonly sim: Simulation,
    ca: CertificateAuthority,
    private readonly faults: FaultInjector,
    options: HmsProviderOptions,
  ) {
    this.server = new HmsServer(sim, this.auth, this.topics, faults, ca, {
      host: options.host,
      port: options.port,
      perAppPerSecond: options.perAppPerSecond ?? 10_000,
      idleTimeoutMs: transportTimeout('hms', options, HMS_TRANSPORT_TIMEOUTS, 'idleTimeoutMs'),
      handshakeTimeoutMs: transportTimeout('hms', options, HMS_TRANSPORT_TIMEOUTS, 'handshakeTimeoutMs'),
    });
    for (const app of options.apps ?? []) this.auth.createApp(app);
    sim.bus.on('simulator.reset', () => this.reset());
  }

  async start(): Promise<EndpointInfo[]> {
    await this.server.start();
    return this.endpoints();
  }
  async stop(): Promise<void> {
    await this.server.stop();
  }
  reset(): void {
    this.server.reset();
    this.topics.clear();
    this.faults.clear('hms');
  }

  endpoints(): EndpointInfo[] {
    return [
      {
        name: 'hms',
        protocol: 'https',
        url: this.server.url,
        status: 'listening',
        description:
          'Huawei Push Kit: OAuth POST /oauth2/v3/token, POST /v1/<appId>/messages:send, /v1/<appId>/topic:subscribe|unsubscribe|list',
      },
    ];
  }

  routes(): Router {
    const router = Router();
    router.get('/hms/errors', (_req, res) => {
      res.json(HMS_RESULT_CODES);
    });
    router.get('/hms/apps', (_req, res) => {
      res.json(this.auth.listApps());
    });
    router.post('/hms/apps', (req, res) => {
      const body = parseInput(hmsAppSchema, req.body);
      const app = this.auth.createApp(
        Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined)) as Partial<HmsApp>,
      );
      res.status(201).json({ ...app, clientId: app.appId });
    });
    router.post('/hms/subscriptions', (req, res) => {
      const body = parseInput(hmsSubscriptionSchema, req.body);
      const address = this.sim.registry.resolveToken(body.token);
      if (address?.kind !== 'hms')
        throw new SimulatorError(
          ErrorCodes.UNKNOWN_TOKEN,
          'no installed app owns this HMS token (apps on Huawei phones get one)',
          'token',
        );
      if (!this.auth.app(body.appId))
        throw new SimulatorError(
          ErrorCodes.INVALID_INPUT,
          `no Push Kit app ${body.appId}; register it with POST /api/hms/apps`,
          'appId',
        );
      if (this.topics.subscribe(body.appId, body.token, body.topic, this.sim.clock.now()) === 'too-many-topics')
        throw new SimulatorError(
          ErrorCodes.TOO_MANY_TOPICS,
          'an app instance may subscribe to at most 2000 topics',
          'topic',
        );
      res.status(201).json(body);
    });
    router.use(faultRoutes('hms', HMS_FAULTS, this.faults));
    return router;
  }
}
