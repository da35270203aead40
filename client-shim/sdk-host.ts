// What an SDK's native side needs from the app process: the transport back to the simulator and the app's identity.
import type { ShimAck, ShimDeliver } from '../simulator/shim-protocol/index.js';
import type { ShimFidelity as FidelityOptions } from '../simulator/shim-protocol/index.js';

export interface SdkHost {
  readonly platform: 'ios' | 'android';
  readonly sdkVersion: string;
  readonly bundleId: string;
  /** The install's docs-vs-SDK switches. */
  readonly fidelity: FidelityOptions;
  /** Issues (or returns) the app's tokens through the simulator. */
  register(): Promise<Record<string, string>>;
  /**
   * Why the last registration issued no token of this kind (`SERVICE_NOT_AVAILABLE` for FCM without Google services).
   */
  registrationError(kind: 'apns' | 'fcm' | 'zpns'): string | undefined;
  /** Subscribes the app's FCM token to a topic (RN Firebase's subscribeToTopic). */
  subscribeToTopic(topic: string, subscribe: boolean): Promise<void>;
  ack(ack: Omit<ShimAck, 'type'>): void;
  complete(pushId: string, result: string, error?: string): void;
  /** The simulator's clock time now, for handler durations. */
  now(): number;
  log(message: string): void;
}

export type { ShimDeliver };
