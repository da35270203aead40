// The APNs provider: sandbox and production HTTP/2 endpoints, the keyring, certificates and fault injection, and their
// control-plane routes (/api/apns/...).
import { Router } from 'express';
import { z } from 'zod';
import type { Simulation } from '../../engine/index.js';
import type { EndpointInfo } from '../../model/index.js';
import { ErrorCodes, SimulatorError, parseInput } from '../../core/index.js';
import type { ServiceInstance, ServiceScenarioSetup } from '../service-module.js';
import type { CertificateAuthority } from '../tls/index.js';
import { faultRoutes, type FaultInjector } from '../fault-injection.js';
import { APNS_FAULTS } from './apns-reasons.js';
import { ApnsKeyring, type ApnsKeyConfig } from './apns-keys.js';
import { ApnsServer, type ApnsServerOptions } from './apns-server.js';
import { APNS_REASON_STATUS, type ApnsReason } from './apns-reasons.js';
import { transportTimeout } from '../transport-timeouts.js';
import { BroadcastService, type BroadcastServiceOptions } from './broadcast/index.js';
import { ApnsWireSender } from './apns-wire-send.js';

export interface ApnsProviderOptions {
  host: string;
  /** Sandbox (development) endpoint port; 4801 by default. */
  port: number;
  /** Production endpoint port; 4803 by default. */
  productionPort: number;
  /** The channel management API's sandbox and production ports; 4805 and 4806 by default. */
  channelsPort: number;
  channelsProductionPort: number;
  /** Broadcast channels an app may hold per environment (Apple: 10,000). */
  maxChannelsPerApp?: number;
  channelTooManyRequests?: BroadcastServiceOptions['channelTooManyRequests'];
  broadcastTooManyRequests?: BroadcastServiceOptions['broadcastTooManyRequests'];
  h2c?: boolean;
  permissive?: boolean;
  keys?: ApnsKeyConfig[];
  /** A connection without a frame for this long gets GOAWAY {"reason":"IdleTimeout"} and is closed; 0 = never. */
  idleTimeoutMs?: number;
  /** A TLS handshake not done within this is aborted; 0 = Node's own 120 s. */
  handshakeTimeoutMs?: number;
  /** A connection whose client sends no HTTP/2 preface within this (after TLS) is closed; 0 = never. */
  prefaceTimeoutMs?: number;
  /** A stream whose request body has not ended this long after its headers is reset (RST_STREAM CANCEL); 0 = never. */
  streamTimeoutMs?: number;
  tooManyRequests?: { perToken: number; windowMs: number };
  reasonSpelling?: Partial<Record<ApnsReason, string>>;
  maxConcurrentStreams?: number;
}

const teamOrKeyId = z.string().regex(/^[A-Z0-9]{10}$/, '10 upper-case letters or digits');
export const apnsKeySchema = z
  .object({
    teamId: teamOrKeyId.optional().describe('Apple team id; minted when absent'),
    keyId: teamOrKeyId.optional().describe('key id; minted when absent'),
    environment: z.enum(['sandbox', 'production', 'both']).optional(),
    topics: z.array(z.string().min(1)).min(1).optional().describe('bundle ids the key may send to; all when absent'),
    key: z
      .string()
      .min(1)
      .optional()
      .describe('an existing .p8 private key (PEM) to register instead of minting one; needs teamId and keyId'),
  })
  .strict();

// `both` by default: Apple's universal "Apple Push Services" certificate works on either endpoint.
export const apnsCertificateSchema = z
  .object({ topic: z.string().min(1), environment: z.enum(['sandbox', 'production', 'both']).default('both') })
  .strict();

/**
 * The transport timeouts' defaults. Idle: an hour (Apple: keep connections open, they are closed when idle for long; no
 * figure). The others guard the port against clients that never finish (issue 13, item 5): Apple gives no figures.
 */
export const APNS_TRANSPORT_TIMEOUTS = {
  idleTimeoutMs: 60 * 60 * 1000,
  handshakeTimeoutMs: 10_000,
  prefaceTimeoutMs: 10_000,
  streamTimeoutMs: 10_000,
} as const;

/** Kept here for the importers of the APNs index; the schema lives with the fault injector. */
export { faultSchema } from '../fault-injection.js';

export class ApnsProvider implements ServiceInstance {
  readonly name = 'apns';
  readonly keyring = new ApnsKeyring();
  readonly sandbox: ApnsServer;
  readonly production: ApnsServer;
  /** Broadcast channels: the channel management API's ports and the broadcasts the APNs ports take. */
  readonly broadcast: BroadcastService;
  /** The control plane's own sends through these endpoints (POST /api/send/apns, /api/send/apns-broadcast). */
  readonly wire: ApnsWireSender;

  constructor(
    sim: Simulation,
    private readonly ca: CertificateAuthority,
    private readonly faults: FaultInjector,
    options: ApnsProviderOptions,
  ) {
    for (const key of options.keys ?? []) this.keyring.add(key);
    const shared: Omit<ApnsServerOptions, 'port' | 'environment'> = {
      host: options.host,
      h2c: options.h2c ?? false,
      permissive: options.permissive ?? false,
      idleTimeoutMs: transportTimeout('apns', options, APNS_TRANSPORT_TIMEOUTS, 'idleTimeoutMs'),
      handshakeTimeoutMs: transportTimeout('apns', options, APNS_TRANSPORT_TIMEOUTS, 'handshakeTimeoutMs'),
      prefaceTimeoutMs: transportTimeout('apns', options, APNS_TRANSPORT_TIMEOUTS, 'prefaceTimeoutMs'),
      streamTimeoutMs: transportTimeout('apns', options, APNS_TRANSPORT_TIMEOUTS, 'streamTimeoutMs'),
      tooManyRequests: options.tooManyRequests ?? { perToken: 100, windowMs: 1000 },
      reasonSpelling: options.reasonSpelling ?? {},
      maxConcurrentStreams: options.maxConcurrentStreams ?? 1500,
    };
    this.sandbox = new ApnsServer(sim, this.keyring, faults, ca, {
      ...shared,
      port: options.port,
      environment: 'sandbox',
    });
    this.production = new ApnsServer(sim, this.keyring, faults, ca, {
      ...shared,
      port: options.productionPort,
      environment: 'production',
    });
    this.broadcast = new BroadcastService(sim, this.keyring, ca, {
      host: options.host,
      port: options.channelsPort,
      productionPort: options.channelsProductionPort,
      h2c: shared.h2c,
      permissive: shared.permissive,
      idleTimeoutMs: shared.idleTimeoutMs,
      handshakeTimeoutMs: shared.handshakeTimeoutMs,
      prefaceTimeoutMs: shared.prefaceTimeoutMs,
      ...(options.maxChannelsPerApp !== undefined ? { maxChannelsPerApp: options.maxChannelsPerApp } : {}),
      ...(options.channelTooManyRequests ? { channelTooManyRequests: options.channelTooManyRequests } : {}),
      ...(options.broadcastTooManyRequests ? { broadcastTooManyRequests: options.broadcastTooManyRequests } : {}),
    });
    this.sandbox.broadcasts = this.broadcast.sender;
    this.production.broadcasts = this.broadcast.sender;
    this.wire = new ApnsWireSender(sim, this.keyring, {
      caPem: ca.caPem,
      url: (environment) => (environment === 'production' ? this.production.url : this.sandbox.url),
    });
    sim.bus.on('simulator.reset', () => this.reset());
  }

  async start(): Promise<EndpointInfo[]> {
    await this.sandbox.start();
    try {
      await this.production.start();
      await this.broadcast.start();
    } catch (error) {
      await Promise.all([this.sandbox.stop(), this.production.stop()]);
      throw error;
    }
    return this.endpoints();
  }

  endpoints(): EndpointInfo[] {
    return [
      {
        name: 'apns',
        protocol: this.sandbox.options.h2c ? 'h2c' : 'h2',
        url: this.sandbox.url,
        status: 'listening',
        description: 'APNs sandbox (development): POST /3/device/<token>',
      },
      {
        name: 'apns-production',
        protocol: this.production.options.h2c ? 'h2c' : 'h2',
        url: this.production.url,
        status: 'listening',
        description: 'APNs production: POST /3/device/<token>',
      },
      ...this.broadcast.endpoints(),
    ];
  }

  async stop(): Promise<void> {
    this.wire.close();
    await Promise.all([this.sandbox.stop(), this.production.stop(), this.broadcast.stop()]);
  }

  reset(): void {
    this.sandbox.reset();
    this.production.reset();
    this.broadcast.reset();
    this.faults.clear('apns');
  }

  /** The broadcast channels a recorded scenario starts with (its first channel creates). */
  scenarioSetup(): ServiceScenarioSetup {
    return {
      channels: this.broadcast.channels.all().map((channel) => ({
        bundleId: channel.bundleId,
        environment: channel.environment,
        channelId: channel.id,
        messageStoragePolicy: channel.messageStoragePolicy,
        hasStoredMessage: channel.stored !== undefined,
      })),
    };
  }

  routes(): Router {
    const router = Router();
    router.get('/apns/reasons', (_req, res) => {
      res.json(APNS_REASON_STATUS);
    });
    router.get('/apns/keys', (_req, res) => {
      res.json(this.keyring.list());
    });
    router.post('/apns/keys', (req, res) => {
      const body = parseInput(apnsKeySchema, req.body);
      if (body.key) {
        if (!body.teamId || !body.keyId)
          throw new SimulatorError(
            ErrorCodes.INVALID_INPUT,
            'adding an existing key needs its teamId and keyId',
            body.teamId ? 'keyId' : 'teamId',
          );
        const key = this.keyring.add({
          teamId: body.teamId,
          keyId: body.keyId,
          key: body.key,
          ...(body.environment ? { environment: body.environment } : {}),
          ...(body.topics ? { topics: body.topics } : {}),
        });
        const { publicKey: _p, ...view } = key;
        res.status(201).json(view);
        return;
      }
      res.status(201).json(
        this.keyring.mint({
          ...(body.teamId ? { teamId: body.teamId } : {}),
          ...(body.keyId ? { keyId: body.keyId } : {}),
          ...(body.environment ? { environment: body.environment } : {}),
          ...(body.topics ? { topics: body.topics } : {}),
        }),
      );
    });
    router.delete('/apns/keys/:keyId', (req, res) => {
      if (!this.keyring.remove(req.params.keyId))
        throw new SimulatorError(ErrorCodes.KEY_NOT_FOUND, `no APNs key ${req.params.keyId}`, 'keyId');
      res.status(204).end();
    });
    router.post('/apns/certificates', (req, res) => {
      const body = parseInput(apnsCertificateSchema, req.body);
      res.status(201).json({
        topic: body.topic,
        environment: body.environment,
        ...this.ca.issueClientCertificate(body.topic, body.environment),
      });
    });
    router.post('/send/apns', async (req, res) => {
      res.json(await this.wire.send(req.body));
    });
    router.post('/send/apns-broadcast', async (req, res) => {
      res.json(await this.wire.broadcast(req.body));
    });
    router.use(faultRoutes('apns', APNS_FAULTS, this.faults));
    router.use(this.broadcast.routes());
    return router;
  }
}
