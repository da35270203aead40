// Broadcast channels as one part of the APNs service: the channel store, the channel management API's sandbox and
// production servers, the broadcast sender the APNs ports hand /4/broadcasts requests to, and their control routes
// (/api/apns/channels, /api/apns/broadcast-capability/:bundleId).
import { Router } from 'express';
import { z } from 'zod';
import type { Simulation } from '../../../engine/index.js';
import { parseInput } from '../../../core/index.js';
import type { BroadcastCapabilityModel, BroadcastChannelModel, EndpointInfo } from '../../../model/index.js';
import type { CertificateAuthority } from '../../tls/index.js';
import type { ApnsKeyring } from '../apns-keys.js';
import { BroadcastChannels, DEFAULT_MAX_CHANNELS_PER_APP, type BroadcastChannel } from './broadcast-channels.js';
import { BroadcastSender } from './broadcast-send.js';
import { ChannelManagementServer, type ChannelManagementServerOptions } from './channel-management-server.js';
import { subscribersOf } from './broadcast-activities.js';
import type { Activity } from '../../../live-activity/index.js';

export interface BroadcastServiceOptions {
  host: string;
  /** The channel management API's sandbox and production ports (4805, 4806 by default; 0 = a free one). */
  port: number;
  productionPort: number;
  h2c: boolean;
  permissive: boolean;
  idleTimeoutMs: number;
  handshakeTimeoutMs: number;
  prefaceTimeoutMs: number;
  /** Channels an app may hold per environment (Apple: 10,000); past it, CannotCreateChannelConfig. */
  maxChannelsPerApp?: number;
  /** Management requests per app, and broadcasts per channel, within a window; past it, TooManyRequests; 0 = off. */
  channelTooManyRequests?: { perApp: number; windowMs: number };
  broadcastTooManyRequests?: { perChannel: number; windowMs: number };
}

export const capabilitySchema = z
  .object({ enabled: z.boolean().describe('turn the broadcast capability on or off for the app') })
  .strict();

export const channelsQuerySchema = z
  .object({ bundleId: z.string().min(1).optional().describe('only the channels of this app') })
  .strict();

export class BroadcastService {
  readonly channels: BroadcastChannels;
  readonly sender: BroadcastSender;
  readonly sandbox: ChannelManagementServer;
  readonly production: ChannelManagementServer;

  constructor(
    private readonly sim: Simulation,
    keyring: ApnsKeyring,
    ca: CertificateAuthority,
    options: BroadcastServiceOptions,
  ) {
    this.channels = new BroadcastChannels(options.maxChannelsPerApp ?? DEFAULT_MAX_CHANNELS_PER_APP);
    this.sender = new BroadcastSender(sim, keyring, this.channels, {
      permissive: options.permissive,
      tooManyRequests: options.broadcastTooManyRequests ?? { perChannel: 100, windowMs: 1000 },
    });
    const shared: Omit<ChannelManagementServerOptions, 'port' | 'environment'> = {
      host: options.host,
      h2c: options.h2c,
      permissive: options.permissive,
      idleTimeoutMs: options.idleTimeoutMs,
      handshakeTimeoutMs: options.handshakeTimeoutMs,
      prefaceTimeoutMs: options.prefaceTimeoutMs,
      tooManyRequests: options.channelTooManyRequests ?? { perApp: 100, windowMs: 1000 },
    };
    const deleted = (channel: BroadcastChannel): void => this.sender.channelDeleted(channel);
    this.sandbox = new ChannelManagementServer(sim, keyring, ca, this.channels, deleted, {
      ...shared,
      port: options.port,
      environment: 'sandbox',
    });
    this.production = new ChannelManagementServer(sim, keyring, ca, this.channels, deleted, {
      ...shared,
      port: options.productionPort,
      environment: 'production',
    });
    // An activity that subscribes to a most-recent-message channel gets the message the channel stored.
    sim.bus.on('activity.changed', (change) => {
      if (change.change !== 'started') return;
      const activity = sim.liveActivities.get(change.activityId);
      if (activity?.channelId) this.deliverStoredTo(activity);
    });
  }

  async start(): Promise<void> {
    await this.sandbox.start();
    try {
      await this.production.start();
    } catch (error) {
      await this.sandbox.stop();
      throw error;
    }
  }

  async stop(): Promise<void> {
    this.sender.reset();
    await Promise.all([this.sandbox.stop(), this.production.stop()]);
  }

  /** Forgets the channels and the rate counters (per-test state); the capability settings stay. */
  reset(): void {
    this.channels.clear();
    this.sender.reset();
    this.sandbox.reset();
    this.production.reset();
  }

  endpoints(): EndpointInfo[] {
    const protocol = this.sandbox.options.h2c ? 'h2c' : 'h2';
    return [
      {
        name: 'apns-channels',
        protocol,
        url: this.sandbox.url,
        status: 'listening',
        description:
          'APNs channel management, sandbox: POST|GET|DELETE /1/apps/<bundle id>/channels, GET …/all-channels',
      },
      {
        name: 'apns-channels-production',
        protocol,
        url: this.production.url,
        status: 'listening',
        description:
          'APNs channel management, production: POST|GET|DELETE /1/apps/<bundle id>/channels, GET …/all-channels',
      },
    ];
  }

  /**
   * Hands an activity that subscribed to a channel after its broadcasts the channel's stored message (policy 1); the
   * push's ledger id, or undefined when there is none to give.
   */
  deliverStoredTo(activity: Activity): string | undefined {
    const channel = activity.channelId ? this.channels.find(activity.channelId) : undefined;
    if (!channel || channel.bundleId !== activity.bundleId) return undefined;
    if (this.sim.registry.app(activity.appId)?.environment !== channel.environment) return undefined;
    return this.sender.deliverStored(channel, activity);
  }

  list(bundleId?: string): BroadcastChannelModel[] {
    return this.channels
      .all()
      .filter((c) => bundleId === undefined || c.bundleId === bundleId)
      .map((c) => ({
        channelId: c.id,
        bundleId: c.bundleId,
        environment: c.environment,
        messageStoragePolicy: c.messageStoragePolicy,
        pushType: c.pushType,
        createdAt: c.createdAt,
        subscribers: subscribersOf(this.sim, c.bundleId, c.id, c.environment).length,
        ...(c.lastBroadcastAt !== undefined ? { lastBroadcastAt: c.lastBroadcastAt } : {}),
        hasStoredMessage: c.stored !== undefined,
      }));
  }

  setCapability(bundleId: string, enabled: boolean): BroadcastCapabilityModel {
    this.channels.setBroadcastEnabled(bundleId, enabled);
    return { bundleId, enabled };
  }

  routes(): Router {
    const router = Router();
    router.get('/apns/channels', (req, res) => {
      const query = parseInput(channelsQuerySchema, req.query);
      res.json(this.list(query.bundleId));
    });
    router.put('/apns/broadcast-capability/:bundleId', (req, res) => {
      const body = parseInput(capabilitySchema, req.body);
      res.json(this.setCapability(req.params.bundleId, body.enabled));
    });
    return router;
  }
}
