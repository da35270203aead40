// The typed events the simulator publishes; names are dot-namespaced and lower-case, as the ws feed sends them.
import type { Device, DeviceConditions } from './device.js';
import type { Fate } from './fate.js';
import type { InstalledApp, AppTokens } from './installed-app.js';
import type { LedgerEntry, LedgerReceipt } from './ledger.js';

export interface SimulatorEvents extends Record<string, unknown> {
  'device.created': { device: Device };
  'device.removed': { deviceId: string };
  'device.conditions-changed': { deviceId: string; conditions: DeviceConditions; changed: Partial<DeviceConditions> };
  'app.installed': { app: InstalledApp };
  'app.uninstalled': { appId: string; deviceId: string; bundleId: string };
  'app.state-changed': { appId: string; deviceId: string; from: string; to: string; event: string; reason?: string };
  'token.issued': { appId: string; tokens: AppTokens };
  'push.accepted': { entry: LedgerEntry };
  'push.fate': { id: string; fate: Fate; entry: LedgerEntry };
  'push.note': { id: string; at: number; note: string };
  'push.received': { id: string; receipt: LedgerReceipt };
  'app.attached': { appId: string };
  'app.detached': { appId: string; reason: string };
  /** Someone asked for a lifecycle event (REST, the client shim, a scenario step); `app.state-changed` tells the effect. */
  'app.lifecycle-requested': { appId: string; deviceId: string; event: string };
  /** Someone asked for a lifecycle state (PUT /api/apps/:id/state, an install with `state`), reached by `events`. */
  'app.state-requested': { appId: string; deviceId: string; state: string; events: string[] };
  /** A device was rebooted: every app on it got the `reboot` event. */
  'device.rebooted': { deviceId: string };
  /** The user tapped the notification a push displayed. */
  'push.tapped': { appId: string; pushId: string; stateBefore: string };
  /** The share of iOS background pushes chaos loses was set (PUT /api/chaos). */
  'chaos.configured': { backgroundDropProbability: number; seed: number };
  /**
   * A ZIM-shaped send reached ZPNs (sendMessage, callInvite, callCancel): who sent it to whom with which push
   * configuration, and the pushes it became (in-app or offline).
   */
  'zim.sent': {
    kind: 'message' | 'call-invite' | 'call-cancel';
    fromUserID: string;
    receivers: string[];
    message?: Record<string, unknown>;
    priority?: number;
    pushConfig: Record<string, unknown>;
    pushIds: string[];
  };
  /**
   * A fault was added to a service's fault list (POST /api/<service>/faults, a scenario's `fault` step), or removed
   * (`removed`: its id) or cleared (`cleared`: the service, or every service when absent).
   */
  'fault.changed': {
    added?: {
      id: string;
      provider: string;
      token?: string;
      topic?: string;
      project?: string;
      probability?: number;
      reason?: string;
      delayMs?: number;
      drop?: 'stream' | 'connection';
      times?: number;
    };
    removed?: string;
    cleared?: string;
    clearedAll?: boolean;
  };
  /** A device subscribed a token to a topic, or unsubscribed it (FCM's topic management, the shim's subscribeToTopic). */
  'topic.changed': { service: string; project: string; token: string; topic: string; subscribed: boolean };
  /**
   * An FCM topic or condition message fanned out: its message as sent (pushes `<messageId>#<n>`, one per subscriber,
   * came before).
   */
  'fcm.fanned-out': { project: string; defaultProject: string; messageId: string; message: Record<string, unknown> };
  /** A Live Activity started, showed a new content state or took a new state (simulator/live-activity/). */
  'activity.changed': {
    activityId: string;
    appId: string;
    deviceId: string;
    change: 'started' | 'updated' | 'stale' | 'ended' | 'dismissed';
    state: string;
    contentState: Record<string, unknown>;
    pushId?: string;
    ruleId: string;
    /** The alert an app's update showed (AlertConfiguration). */
    alert?: { title: string; body: string; sound?: string };
  };
  /** A Live Activity's push token, or an app's push-to-start token for an attributes type, was issued. */
  'activity.token-issued': {
    appId: string;
    activityId?: string;
    attributesType: string;
    token: string;
    kind: 'push' | 'push-to-start';
  };
  /**
   * A request reached the channel management port (docs/reference/apns-broadcast.md#channel-management-api), answered:
   * `create` (POST), `read` (GET), `delete` (DELETE), `list` (GET all channels), or what a refused one asked for.
   */
  'apns.channel-request': {
    environment: 'sandbox' | 'production';
    /** Absent when the path named no app. */
    bundleId?: string;
    action: 'create' | 'read' | 'delete' | 'list';
    /** The channel it named, or the one it created. */
    channelId?: string;
    /** The create body's message-storage-policy, as sent. */
    messageStoragePolicy?: unknown;
    status: number;
    reason?: string;
  };
  /** A broadcast request (POST /4/broadcasts/apps/<bundle id>) arrived on an APNs port; its ledger entries follow. */
  'apns.broadcast-started': { requestId: string };
  /** That broadcast was answered: the ledger entries it made (one per subscribed activity, or its own). */
  'apns.broadcast-sent': {
    requestId: string;
    environment: 'sandbox' | 'production';
    bundleId?: string;
    /** The request's headers but its pseudo-headers and authorization. */
    headers: Record<string, string>;
    /** The JSON body, when it was one. */
    payload?: Record<string, unknown>;
    status: number;
    reason?: string;
    pushIds: string[];
  };
  'clock.advanced': { now: number };
  'simulator.reset': { at: number };
  /** A step of a scenario run the control plane started (POST /api/scenarios/runs) has run. */
  'scenario.progress': {
    runId: string;
    scenario: string;
    /** The step's place, from 1, of `steps`. */
    step: number;
    steps: number;
    title: string;
    status: 'passed' | 'failed';
  };
  /** A scenario run ended. */
  'scenario.finished': { runId: string; status: 'passed' | 'failed' | 'error' };
  /** A session recording (POST /api/recordings) added a step; `steps` is how many it holds now. */
  'recording.step': { recordingId: string; steps: number };
}

export type SimulatorEventName = keyof SimulatorEvents;
