// The simulator side of the client-shim transport: ws at /api/shim, one connection per app install.
// Protocol: simulator/shim-protocol/ and docs/shim-protocol.md. Every message is checked against its schema there, and
// every failure answers pushsim's error shape `{ code, message, field? }` with a code of the catalogue.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { RawData, WebSocket, WebSocketServer } from 'ws';
import { WS_OPEN, wsModule } from './ws-module.js';
import { ErrorCodes, SimulatorError, jsonBudgetProblem, parseInput, type ErrorBody, type Push } from '../core/index.js';
import type { AppConnection, Delivery, Simulation } from '../engine/index.js';
import { activityNowView, activityView } from './views.js';
import {
  SHIM_CLIENT_MESSAGES,
  SHIM_PROTOCOL_VERSION,
  type ShimClientMessage,
  type ShimHello,
  type ShimServerMessage,
} from '../shim-protocol/index.js';

export interface ShimGateway {
  /** Takes a ws upgrade to SHIM_PATH the control server routed here (control-guard.ts routeUpgrades checked it). */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  close(): Promise<void>;
  readonly connections: number;
}

/** The connection that speaks for an app, and the secret its welcome gave: only that secret takes the app over. */
interface Holder {
  ws: WebSocket;
  secret: string;
}

export function attachShimGateway(sim: Simulation): ShimGateway {
  // Built at the first upgrade, so ws is loaded only once a shim connects.
  let server: WebSocketServer | undefined;
  const wss = (): WebSocketServer => {
    if (server) return server;
    server = new (wsModule().WebSocketServer)({ noServer: true, maxPayload: 1 << 20 });
    server.on('connection', (ws) => serveShim(ws, sim, holders, unbinders));
    return server;
  };
  const holders = new Map<string, Holder>();
  /** Each bound connection's way to forget its app: a reset removes every app, and app ids are issued afresh. */
  const unbinders = new Set<() => void>();
  // Reset forgets the takeover secrets with the apps they guarded: otherwise the first app of the next test (app ids
  // start again at app-1) would be refused as "taken" by a connection of the last one, and that stale connection would
  // speak for the new app. A connection bound before the reset must send hello again.
  const offReset = sim.bus.on('simulator.reset', () => {
    holders.clear();
    for (const unbind of unbinders) unbind();
  });
  return {
    upgrade: (req, socket, head) => wss().handleUpgrade(req, socket, head, (ws) => wss().emit('connection', ws, req)),
    get connections() {
      return server?.clients.size ?? 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        offReset();
        if (!server) return resolve();
        for (const c of server.clients) c.terminate();
        server.close(() => resolve());
      }),
  };
}

function send(ws: WebSocket, message: ShimServerMessage): void {
  if (ws.readyState === WS_OPEN) ws.send(JSON.stringify(message));
}

/** pushsim's error shape for anything thrown: a SimulatorError as it is, anything else INTERNAL (logged, not sent). */
function errorBody(error: unknown): ErrorBody {
  if (error instanceof SimulatorError) return error.body();
  console.error('[pushsim] internal error while handling a shim message:', error);
  return {
    code: ErrorCodes.INTERNAL,
    message:
      'pushsim hit an internal error handling this shim message; the connection is still open. Please report it with the message that caused it.',
  };
}

/**
 * The message checked against its type's schema: UNKNOWN_MESSAGE for a type the protocol lacks, INVALID_MESSAGE naming
 * the field.
 */
function readMessage(value: unknown): ShimClientMessage {
  const type = (value as { type?: unknown } | null)?.type;
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new SimulatorError(
      ErrorCodes.INVALID_MESSAGE,
      'every shim message must be one JSON object with a type',
      'type',
    );
  if (typeof type !== 'string' || !Object.hasOwn(SHIM_CLIENT_MESSAGES, type)) {
    throw new SimulatorError(
      ErrorCodes.UNKNOWN_MESSAGE,
      `unknown shim message type ${JSON.stringify(type)}; send one of ${Object.keys(SHIM_CLIENT_MESSAGES).join(', ')}`,
      'type',
    );
  }
  return parseInput(
    SHIM_CLIENT_MESSAGES[type as keyof typeof SHIM_CLIENT_MESSAGES],
    value,
    'message',
    ErrorCodes.INVALID_MESSAGE,
  ) as ShimClientMessage;
}

function bindApp(sim: Simulation, hello: ShimHello): string {
  if (hello.protocol !== SHIM_PROTOCOL_VERSION)
    throw new SimulatorError(
      ErrorCodes.PROTOCOL_MISMATCH,
      `this simulator speaks shim protocol ${SHIM_PROTOCOL_VERSION}, the shim sent ${hello.protocol}; use matching pushsim versions`,
      'protocol',
    );
  if (hello.appId) return sim.registry.requireApp(hello.appId).id;
  if (!hello.device || !hello.app)
    throw new SimulatorError(
      ErrorCodes.INVALID_HELLO,
      'hello needs either appId, or device and app to create',
      'appId',
    );
  const device = (hello.device.id && sim.registry.device(hello.device.id)) || sim.createDevice({ ...hello.device });
  const existing = sim.registry.listApps(device.id).find((a) => a.bundleId === hello.app!.bundleId);
  if (existing) return existing.id;
  return sim.installApp({ deviceId: device.id, register: false, ...hello.app }).id;
}

function sameSecret(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * This connection may speak for the app: nobody else holds it, or the hello carries the holder's takeover secret (the
 * same app reconnecting), in which case the old connection is closed with a reason instead of left silently deaf.
 */
function claim(holders: Map<string, Holder>, appId: string, ws: WebSocket, secret: string | undefined): string {
  const holder = holders.get(appId);
  if (holder && holder.ws !== ws && holder.ws.readyState === WS_OPEN) {
    if (!sameSecret(secret, holder.secret))
      throw new SimulatorError(
        ErrorCodes.TAKEOVER_REFUSED,
        `another shim connection speaks for app ${appId}; close it first, or send the takeoverSecret its welcome gave`,
        'takeoverSecret',
      );
    holder.ws.close(4001, 'another connection took this app over with its takeover secret');
  }
  const next = randomBytes(18).toString('base64url');
  holders.set(appId, { ws, secret: next });
  return next;
}

/** A push another app was delivered: refused, so one shim cannot settle or tap another app's pushes. */
function requireOwnPush(sim: Simulation, appId: string, pushId: string): void {
  const entry = sim.ledger.get(pushId);
  if (entry && entry.appId !== appId)
    throw new SimulatorError(
      ErrorCodes.NOT_YOUR_PUSH,
      `push ${pushId} was not delivered to app ${appId}, the app this connection speaks for`,
      'pushId',
    );
}

/** An activity of another app: refused, so one shim cannot update or end another app's activities. */
function requireOwnActivity(sim: Simulation, appId: string, activityId: string): void {
  if (sim.liveActivities.require(activityId).appId !== appId)
    throw new SimulatorError(
      ErrorCodes.ACTIVITY_NOT_FOUND,
      `Live Activity ${activityId} belongs to another app than ${appId}, the app this connection speaks for`,
      'activityId',
    );
}

function serveShim(ws: WebSocket, sim: Simulation, holders: Map<string, Holder>, unbinders: Set<() => void>): void {
  let appId: string | undefined;
  const unbind = (): void => {
    appId = undefined;
  };
  unbinders.add(unbind);
  // The app's Live Activities: every change and every token, whatever the app's state (the shim decides what its code
  // hears; ActivityKit's sequences deliver them when the app runs).
  const offActivity = sim.bus.on('activity.changed', (event) => {
    if (!appId || event.appId !== appId) return;
    const activity = sim.liveActivities.get(event.activityId);
    if (!activity) return;
    send(ws, {
      type: 'activity',
      change: event.change,
      activity: activityNowView(activity),
      ruleId: event.ruleId,
      ...(event.pushId ? { pushId: event.pushId } : {}),
    });
  });
  const offToken = sim.bus.on('activity.token-issued', (event) => {
    if (!appId || event.appId !== appId) return;
    send(ws, {
      type: 'activityToken',
      kind: event.kind,
      attributesType: event.attributesType,
      token: event.token,
      ...(event.activityId ? { activityId: event.activityId } : {}),
    });
  });
  const connection: AppConnection = {
    deliver: (delivery: Delivery) => {
      const { push, outcome } = delivery;
      send(ws, {
        type: 'deliver',
        pushId: push.id,
        kind: push.kind,
        priority: push.priority,
        payload: push.payload,
        ...(push.collapseId !== undefined ? { collapseId: push.collapseId } : {}),
        callbacks: outcome.callbacks,
        platformCallbacks: outcome.platformCallbacks,
        display: outcome.display,
        ...(outcome.wake ? { wake: outcome.wake } : {}),
        state: delivery.state,
        provider: push.provider,
        ...(push.channel ? { channel: push.channel } : {}),
        sentAt: push.acceptedAt,
      });
    },
    lifecycleChanged: (from, to, event, reason) =>
      send(ws, { type: 'lifecycle', from, to, event, ...(reason ? { reason } : {}) }),
    opened: (push: Push, stateBefore: string) =>
      send(ws, {
        type: 'opened',
        pushId: push.id,
        kind: push.kind,
        payload: push.payload,
        stateBefore,
        provider: push.provider,
        ...(push.channel ? { channel: push.channel } : {}),
      }),
  };

  const reply = (requestId: string, run: () => unknown): void => {
    try {
      send(ws, { type: 'reply', requestId, ok: true, result: run() });
    } catch (error) {
      send(ws, { type: 'reply', requestId, ok: false, error: errorBody(error) });
    }
  };

  ws.on('message', (raw: RawData) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw.toString());
    } catch {
      send(ws, { type: 'error', code: ErrorCodes.INVALID_JSON, message: 'every shim message must be one JSON object' });
      return;
    }
    const overBudget = jsonBudgetProblem(parsed);
    if (overBudget) {
      send(ws, {
        type: 'error',
        code: ErrorCodes.JSON_TOO_DEEP,
        message: `the shim message ${overBudget}; send a flatter message`,
      });
      return;
    }
    try {
      const message = readMessage(parsed);
      if (message.type === 'hello') {
        if (appId)
          throw new SimulatorError(ErrorCodes.ALREADY_BOUND, `this connection already speaks for ${appId}`, 'type');
        const bound = bindApp(sim, message);
        const takeoverSecret = claim(holders, bound, ws, message.takeoverSecret);
        appId = bound;
        sim.router.attach(appId, connection);
        const app = sim.registry.requireApp(appId);
        const device = sim.registry.requireDevice(app.deviceId);
        send(ws, {
          type: 'welcome',
          protocol: SHIM_PROTOCOL_VERSION,
          appId,
          deviceId: device.id,
          platform: device.platform,
          bundleId: app.bundleId,
          sdkProfile: app.sdkProfile,
          sdkVersion: app.sdkVersion,
          lifecycle: app.lifecycle,
          tokens: app.tokens ?? {},
          fidelity: app.fidelity ?? {},
          now: sim.clock.now(),
          takeoverSecret,
        });
        return;
      }
      if (!appId) throw new SimulatorError(ErrorCodes.NOT_BOUND, 'send hello first', 'type');
      const bound = appId;
      switch (message.type) {
        case 'register':
          reply(message.requestId, () => {
            const tokens = sim.registry.register(bound);
            const errors = sim.registry.requireApp(bound).registrationErrors;
            return { ...tokens, ...(errors ? { errors } : {}) };
          });
          break;
        case 'lifecycle':
          reply(message.requestId, () => {
            const step = sim.lifecycle.request(bound, message.event);
            return { from: step.from, to: step.to };
          });
          break;
        case 'sync':
          reply(message.requestId, () => ({ now: sim.clock.now() }));
          break;
        case 'tap':
          reply(message.requestId, () => {
            requireOwnPush(sim, bound, message.pushId);
            return { stateBefore: sim.tap(bound, message.pushId) };
          });
          break;
        case 'ack':
          requireOwnPush(sim, bound, message.pushId);
          sim.router.acknowledge(bound, message);
          break;
        case 'complete':
          requireOwnPush(sim, bound, message.pushId);
          sim.router.complete(bound, message);
          break;
        case 'activityRequest':
          reply(message.requestId, () => {
            const { type: _t, requestId: _r, pushType, staleDate, relevanceScore, ...rest } = message;
            return activityView(
              sim.liveActivities.request(bound, {
                ...rest,
                pushType: pushType ?? 'token',
                ...(staleDate !== undefined ? { staleDate } : {}),
                ...(relevanceScore !== undefined ? { relevanceScore } : {}),
              }),
            );
          });
          break;
        case 'activityUpdate':
          reply(message.requestId, () => {
            requireOwnActivity(sim, bound, message.activityId);
            return activityView(
              sim.liveActivities.update(message.activityId, {
                contentState: message.contentState,
                ...(message.staleDate !== undefined ? { staleDate: message.staleDate } : {}),
                ...(message.relevanceScore !== undefined ? { relevanceScore: message.relevanceScore } : {}),
                ...(message.alert
                  ? {
                      alert: {
                        title: message.alert.title,
                        body: message.alert.body,
                        ...(message.alert.sound ? { sound: message.alert.sound } : {}),
                      },
                    }
                  : {}),
              }),
            );
          });
          break;
        case 'activityEnd':
          reply(message.requestId, () => {
            requireOwnActivity(sim, bound, message.activityId);
            return activityView(
              sim.liveActivities.end(message.activityId, message.contentState, message.dismissalPolicy ?? 'default'),
            );
          });
          break;
        case 'activities':
          reply(message.requestId, () => ({
            activities: sim.liveActivities.list({ appId: bound }).map(activityView),
            pushToStartTokens: sim.liveActivities.pushToStartTokens(bound),
          }));
          break;
        case 'subscribe':
        case 'unsubscribe':
          reply(message.requestId, () => {
            const topics = sim.topicSubscriptions;
            if (!topics)
              throw new SimulatorError(
                ErrorCodes.TOPICS_UNAVAILABLE,
                'this simulator runs without the FCM provider, so there are no topics',
                'topic',
              );
            const token = sim.registry.register(bound).fcm;
            if (!token) {
              const failed = sim.registry.requireApp(bound).registrationErrors?.fcm;
              throw new SimulatorError(
                ErrorCodes.NO_FCM_TOKEN,
                failed
                  ? `this app has no FCM token: its registration failed with ${failed} (the device has no Google Play services), and topics need one`
                  : 'this app has no FCM token (topics need an FCM app)',
                'topic',
              );
            }
            if (message.type === 'subscribe') topics.subscribe(token, message.topic);
            else topics.unsubscribe(token, message.topic);
            return { topic: message.topic };
          });
          break;
      }
    } catch (error) {
      // A request the shim waits on gets its reply; anything else an error frame.
      const requestId = (parsed as { requestId?: unknown } | null)?.requestId;
      if (typeof requestId === 'string' && requestId)
        send(ws, { type: 'reply', requestId, ok: false, error: errorBody(error) });
      else send(ws, { type: 'error', ...errorBody(error) });
    }
  });
  const drop = (): void => {
    unbinders.delete(unbind);
    offActivity();
    offToken();
    if (!appId) return;
    if (holders.get(appId)?.ws === ws) holders.delete(appId);
    sim.router.detach(appId, connection, 'the client shim disconnected');
  };
  ws.on('close', drop);
  ws.on('error', () => ws.terminate());
}
