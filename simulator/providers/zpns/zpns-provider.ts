// The ZPNs provider: push strategies, ZIM logins and the ZIM-shaped send endpoints (/api/zpns/...) a backend or the
// client shim's ZIM sender calls.
import { Router } from 'express';
import { z } from 'zod';
import { randomUUID } from 'node:crypto';
import type { Simulation } from '../../engine/index.js';
import type { EndpointInfo } from '../../model/index.js';
import { ErrorCodes, SimulatorError, parseInput } from '../../core/index.js';
import type { ServiceInstance, ServiceScenarioSetup } from '../service-module.js';
import { PushStrategies, STRATEGY_PRESETS, DEFAULT_STRATEGY_LIMIT, type PushStrategy } from './push-strategies.js';
import { ZimSessions } from './zim-sessions.js';
import { ZpnsService, type ReceiverResult } from './zpns-service.js';
import { sendMessageSchema, callInviteSchema, callCancelSchema } from './zim-config.js';

export interface ZpnsProviderOptions {
  /** resourcesIDs per project; ZEGO's default is 10. */
  strategyLimit?: number;
  strategies?: PushStrategy[];
  controlUrl: () => string;
}

const vendorSchema = z.record(z.string(), z.unknown());
export const zpnsStrategySchema = z
  .object({
    resourcesID: z.string().min(1).max(32, 'a resourcesID is at most 32 characters'),
    preset: z.enum(Object.keys(STRATEGY_PRESETS) as [string, ...string[]]).optional(),
    apple: z
      .object({
        pushType: z.enum(['alert', 'background', 'voip']),
        sound: z.string().optional(),
        mutableContent: z.boolean().optional(),
      })
      .strict()
      .optional(),
    fcm: z
      .object({
        messageType: z.enum(['data', 'notification']),
        channelId: z.string().optional(),
        priority: z.enum(['high', 'normal']).optional(),
        sound: z.string().optional(),
      })
      .strict()
      .optional(),
    huawei: vendorSchema.optional(),
    xiaomi: vendorSchema.optional(),
    oppo: vendorSchema.optional(),
    vivo: vendorSchema.optional(),
  })
  .strict();
export const zpnsLoginSchema = z
  .object({
    userID: z.string().min(1).max(32),
    appId: z.string().min(1),
    connection: z.enum(['auto', 'down']).optional(),
  })
  .strict();

export class ZpnsProvider implements ServiceInstance {
  readonly name = 'zpns';
  readonly strategies: PushStrategies;
  readonly sessions: ZimSessions;
  readonly service: ZpnsService;

  constructor(
    private readonly sim: Simulation,
    private readonly options: ZpnsProviderOptions,
  ) {
    this.strategies = new PushStrategies(options.strategyLimit ?? DEFAULT_STRATEGY_LIMIT);
    for (const strategy of options.strategies ?? []) this.strategies.set(strategy);
    this.sessions = new ZimSessions(sim.registry);
    this.service = new ZpnsService(sim, this.strategies, this.sessions);
    sim.bus.on('simulator.reset', () => this.reset());
  }

  async start(): Promise<EndpointInfo[]> {
    return this.endpoints();
  }
  async stop(): Promise<void> {}
  reset(): void {
    this.sessions.clear();
    this.service.reset();
  }

  /** The strategies and ZIM logins a recorded scenario declares (its `strategies`, each app's `zimUser`). */
  scenarioSetup(): ServiceScenarioSetup {
    const apps: Record<string, Record<string, unknown>> = {};
    for (const { userID, apps: installs } of this.sessions.list())
      for (const appId of installs)
        apps[appId] = {
          zimUser: userID,
          ...(this.sessions.connectionOf(appId) === 'down' ? { zimConnection: 'down' } : {}),
        };
    return { strategies: this.strategies.list().map((s) => ({ ...s })), apps };
  }

  endpoints(): EndpointInfo[] {
    return [
      {
        name: 'zpns',
        protocol: 'http',
        url: `${this.options.controlUrl()}/api/zpns`,
        status: 'listening',
        description: 'ZIM-shaped sends (messages, call invitations) through resourcesID push strategies',
      },
    ];
  }

  sendMessage(body: unknown) {
    const input = parseInput(sendMessageSchema, body);
    if (input.conversationType !== 0)
      throw new SimulatorError(
        ErrorCodes.UNSUPPORTED_CONVERSATION,
        'only peer conversations (conversationType 0) are simulated so far',
        'conversationType',
      );
    const messageID = String(Date.now()) + String(Math.floor(Math.random() * 1e6)).padStart(6, '0');
    const pushConfig =
      input.config.pushConfig ?? parseInput(sendMessageSchema.shape.config.shape.pushConfig.unwrap(), {});
    const results = this.service.deliver(
      [input.toConversationID],
      { pushConfig, kind: 'message', fromUserID: input.fromUserID },
      'peerMessageReceived',
    );
    this.announce('message', input.fromUserID, [input.toConversationID], sentPushConfig(body), results, {
      message: input.message as Record<string, unknown>,
      priority: input.config.priority,
    });
    return {
      message: {
        messageID,
        conversationID: input.toConversationID,
        conversationType: input.conversationType,
        senderUserID: input.fromUserID,
        ...input.message,
      },
      results,
    };
  }

  callInvite(body: unknown) {
    const input = parseInput(callInviteSchema, body);
    const callID = randomUUID().replace(/-/g, '').slice(0, 20);
    // ZIM's JS fills pushConfig.payload and resourcesID with '' when absent.
    const pushConfig =
      input.config.pushConfig ?? parseInput(sendMessageSchema.shape.config.shape.pushConfig.unwrap(), {});
    const results = this.service.deliver(
      input.invitees,
      { pushConfig, callID, kind: 'call-invite', fromUserID: input.fromUserID },
      'callInvitationReceived',
    );
    this.announce('call-invite', input.fromUserID, input.invitees, sentPushConfig(body), results);
    return { callID, timeout: input.config.timeout, mode: input.config.mode, results };
  }

  callCancel(body: unknown) {
    const input = parseInput(callCancelSchema, body);
    const pushConfig =
      input.config.pushConfig ?? parseInput(sendMessageSchema.shape.config.shape.pushConfig.unwrap(), {});
    const results = this.service.deliver(
      input.invitees,
      { pushConfig, callID: input.callID, kind: 'call-cancel', fromUserID: input.fromUserID },
      'callInvitationCancelled',
    );
    this.announce('call-cancel', input.fromUserID, input.invitees, sentPushConfig(body), results);
    return { callID: input.callID, results };
  }

  /** Tells the bus what a ZIM send was and the pushes it became (a session recording turns it into a `zim` step). */
  private announce(
    kind: 'message' | 'call-invite' | 'call-cancel',
    fromUserID: string,
    receivers: string[],
    pushConfig: object,
    results: ReceiverResult[],
    extra: { message?: Record<string, unknown>; priority?: number } = {},
  ): void {
    if (!this.sim.bus.hasListeners('zim.sent')) return;
    this.sim.bus.emit('zim.sent', {
      kind,
      fromUserID,
      receivers,
      pushConfig: { ...pushConfig },
      pushIds: results.flatMap((r) => (r.pushId ? [r.pushId] : [])),
      ...(extra.message ? { message: extra.message } : {}),
      ...(extra.priority !== undefined ? { priority: extra.priority } : {}),
    });
  }

  routes(): Router {
    const router = Router();
    router.get('/zpns/presets', (_req, res) => {
      res.json(STRATEGY_PRESETS);
    });
    router.get('/zpns/strategies', (_req, res) => {
      res.json(this.strategies.list());
    });
    router.post('/zpns/strategies', (req, res) => {
      const { preset, ...body } = parseInput(zpnsStrategySchema, req.body);
      res
        .status(201)
        .json(
          preset ? this.strategies.fromPreset(body.resourcesID, preset) : this.strategies.set(body as PushStrategy),
        );
    });
    router.delete('/zpns/strategies/:resourcesID', (req, res) => {
      if (!this.strategies.remove(req.params.resourcesID))
        throw new SimulatorError(
          ErrorCodes.STRATEGY_NOT_FOUND,
          `no resourcesID "${req.params.resourcesID}"`,
          'resourcesID',
        );
      res.status(204).end();
    });
    router.get('/zpns/users', (_req, res) => {
      res.json(this.sessions.list());
    });
    router.post('/zpns/users', (req, res) => {
      const body = parseInput(zpnsLoginSchema, req.body);
      this.sessions.login(body.userID, body.appId);
      this.sessions.setConnection(body.appId, body.connection ?? 'auto');
      res.status(201).json({
        userID: body.userID,
        appId: body.appId,
        pushID: this.sim.registry.requireApp(body.appId).tokens?.zpns,
      });
    });
    router.delete('/zpns/users/:userID', (req, res) => {
      this.sessions.logout(req.params.userID);
      res.status(204).end();
    });
    router.post('/zpns/messages', (req, res) => {
      res.status(201).json(this.sendMessage(req.body));
    });
    router.post('/zpns/call-invitations', (req, res) => {
      res.status(201).json(this.callInvite(req.body));
    });
    router.post('/zpns/call-cancellations', (req, res) => {
      res.status(201).json(this.callCancel(req.body));
    });
    return router;
  }
}

/** The pushConfig as the sender wrote it (validated; ZIM's defaults not filled in), for the bus's `zim.sent`. */
function sentPushConfig(body: unknown): object {
  const config = (body as { config?: { pushConfig?: object } }).config;
  return config?.pushConfig ?? {};
}
