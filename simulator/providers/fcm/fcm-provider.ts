// The FCM provider: the HTTP v1 endpoint, OAuth and topic management on one HTTPS port, plus control routes
// (/api/fcm/...) for service accounts, projects and faults.
import { Router } from 'express';
import { FcmWireSender } from './fcm-wire-send.js';
import { z } from 'zod';
import type { Simulation } from '../../engine/index.js';
import type { EndpointInfo } from '../../model/index.js';
import { ErrorCodes, SimulatorError, parseInput } from '../../core/index.js';
import type { ServiceInstance, ServiceScenarioSetup } from '../service-module.js';
import type { CertificateAuthority } from '../tls/index.js';
import { faultRoutes, type FaultInjector } from '../fault-injection.js';
import { FCM_FAULTS } from './fcm-errors.js';
import { FcmAuth } from './fcm-auth.js';
import { FcmTopics } from './fcm-topics.js';
import { FcmServer, type FcmProjectConfig } from './fcm-server.js';
import { FCM_ERRORS } from './fcm-errors.js';
import { transportTimeout } from '../transport-timeouts.js';

export interface FcmProviderOptions {
  host: string;
  port: number;
  /** Firebase projects served; the first is the default project of apps that name none. */
  projects?: FcmProjectConfig[];
  /** Accept any bearer token (quick starts). */
  permissive?: boolean;
  perDevicePerMinute?: number;
  perProjectPerMinute?: number;
  /** An idle HTTP/2 connection gets GOAWAY (NO_ERROR) and is closed, an idle HTTP/1.1 keep-alive one is closed; 0 = never. */
  idleTimeoutMs?: number;
  /** A TLS handshake not done within this is aborted; 0 = Node's own 120 s. */
  handshakeTimeoutMs?: number;
}

/**
 * The transport timeouts' defaults: what a client that stops talking may hold (issue 13). Google publishes no idle or
 * handshake figure; the handshake matches APNs' 10 s, and idle is 10 minutes for HTTP/2 sessions and HTTP/1.1
 * keep-alive connections alike.
 */
export const FCM_TRANSPORT_TIMEOUTS = {
  idleTimeoutMs: 10 * 60 * 1000,
  handshakeTimeoutMs: 10_000,
} as const;

export const DEFAULT_FCM_PROJECT = 'pushsim-project';

export const fcmServiceAccountSchema = z.object({ projectId: z.string().min(1).optional() }).strict();
export const fcmProjectSchema = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, 'a Firebase project id like "my-project-123"'),
    apnsConfigured: z.boolean().optional(),
  })
  .strict();
export const fcmSubscriptionSchema = z
  .object({
    token: z.string().min(1),
    topic: z.string().regex(/^[a-zA-Z0-9-_.~%]{1,900}$/, 'a topic name: [a-zA-Z0-9-_.~%]{1,900}'),
    project: z.string().optional(),
  })
  .strict();

export class FcmProvider implements ServiceInstance {
  readonly name = 'fcm';
  readonly auth = new FcmAuth();
  readonly topics: FcmTopics;
  readonly server: FcmServer;
  /** The control plane's own sends through this endpoint (POST /api/send/fcm). */
  readonly wire: FcmWireSender;

  constructor(
    private readonly sim: Simulation,
    ca: CertificateAuthority,
    private readonly faults: FaultInjector,
    options: FcmProviderOptions,
  ) {
    this.topics = new FcmTopics((change) => sim.bus.emit('topic.changed', { service: 'fcm', ...change }));
    this.server = new FcmServer(sim, this.auth, this.topics, faults, ca, {
      host: options.host,
      port: options.port,
      projects: options.projects?.length ? options.projects : [{ id: DEFAULT_FCM_PROJECT }],
      permissive: options.permissive ?? false,
      perDevicePerMinute: options.perDevicePerMinute ?? 240,
      perProjectPerMinute: options.perProjectPerMinute ?? 600_000,
      idleTimeoutMs: transportTimeout('fcm', options, FCM_TRANSPORT_TIMEOUTS, 'idleTimeoutMs'),
      handshakeTimeoutMs: transportTimeout('fcm', options, FCM_TRANSPORT_TIMEOUTS, 'handshakeTimeoutMs'),
    });
    this.wire = new FcmWireSender(sim, this.auth, {
      caPem: ca.caPem,
      url: () => this.server.url,
      defaultProject: () => this.server.defaultProject,
    });
    sim.bus.on('simulator.reset', () => this.reset());
    sim.topicSubscriptions = {
      subscribe: (token, topic) => this.subscribe(token, topic),
      unsubscribe: (token, topic) => {
        const app = sim.registry.resolveToken(token)?.app;
        this.topics.unsubscribe(app?.fcmProject ?? this.server.defaultProject, token, topic);
      },
    };
  }

  async start(): Promise<EndpointInfo[]> {
    await this.server.start();
    return this.endpoints();
  }
  async stop(): Promise<void> {
    this.wire.close();
    await this.server.stop();
  }
  reset(): void {
    this.server.reset();
    this.topics.clear();
    this.faults.clear('fcm');
  }

  /** The topic subscriptions a recorded scenario starts with (its first `subscribe` steps). */
  scenarioSetup(): ServiceScenarioSetup {
    return { subscriptions: this.topics.list() };
  }

  endpoints(): EndpointInfo[] {
    return [
      {
        name: 'fcm',
        protocol: 'https',
        url: this.server.url,
        status: 'listening',
        description:
          'FCM HTTP v1 (POST /v1/projects/<id>/messages:send), OAuth /token, topic management; HTTP/1.1 and HTTP/2',
      },
    ];
  }

  /** Subscribes an app's FCM token to a topic, as the device SDK's subscribeToTopic does. */
  subscribe(token: string, topic: string, project?: string): void {
    const address = this.sim.registry.resolveToken(token);
    if (address?.kind !== 'fcm')
      throw new SimulatorError(ErrorCodes.UNKNOWN_TOKEN, 'no installed app owns this FCM token', 'token');
    if (
      this.topics.subscribe(project ?? address.app.fcmProject ?? this.server.defaultProject, token, topic) ===
      'too-many-topics'
    ) {
      throw new SimulatorError(
        ErrorCodes.TOO_MANY_TOPICS,
        'an app instance may subscribe to at most 2000 topics',
        'topic',
      );
    }
  }

  routes(): Router {
    const router = Router();
    router.get('/fcm/errors', (_req, res) => {
      res.json(FCM_ERRORS);
    });
    router.post('/send/fcm', async (req, res) => {
      res.json(await this.wire.send(req.body));
    });
    router.get('/fcm/projects', (_req, res) => {
      res.json(this.server.options.projects);
    });
    router.post('/fcm/projects', (req, res) => {
      const body = parseInput(fcmProjectSchema, req.body);
      const existing = this.server.options.projects.find((p) => p.id === body.id);
      if (existing) Object.assign(existing, body);
      else this.server.options.projects.push(body);
      res.status(201).json(body);
    });
    router.get('/fcm/service-accounts', (_req, res) => {
      res.json(this.auth.listServiceAccounts());
    });
    router.post('/fcm/service-accounts', (req, res) => {
      const body = parseInput(fcmServiceAccountSchema, req.body);
      const projectId = body.projectId ?? this.server.defaultProject;
      if (!this.server.options.projects.some((p) => p.id === projectId))
        throw new SimulatorError(
          ErrorCodes.UNKNOWN_PROJECT,
          `project ${projectId} is not served; add it with POST /api/fcm/projects`,
          'projectId',
        );
      res.status(201).json(this.auth.createServiceAccount(projectId));
    });
    router.post('/fcm/subscriptions', (req, res) => {
      const body = parseInput(fcmSubscriptionSchema, req.body);
      this.subscribe(body.token, body.topic, body.project);
      res.status(201).json({ token: body.token, topic: body.topic });
    });
    router.use(faultRoutes('fcm', FCM_FAULTS, this.faults, { removeOne: false }));
    return router;
  }
}
