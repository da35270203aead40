// Named, pure predicates over a delivery's situation. Rules refer to them by name, so the table stays data.
import type { DeviceConditions, PushKind, PushPriority } from '../core/index.js';

export interface DeliverySituation {
  platform: 'ios' | 'android';
  kind: PushKind;
  priority: PushPriority;
  /** Top-level lifecycle state, after the locked-screen adjustment on Android. */
  state: string;
  conditions: DeviceConditions;
}

export const DELIVERY_CONDITIONS = {
  /** Notifications not authorized (iOS) or POST_NOTIFICATIONS denied (Android 13+). */
  notificationsBlocked: (s: DeliverySituation) => s.conditions.notificationPermission !== 'granted',
  /** Background App Refresh off, or Low Power Mode (which turns it off). */
  backgroundRefreshOff: (s: DeliverySituation) => !s.conditions.backgroundAppRefresh || s.conditions.lowPowerMode,
  /** Doze with a message that is not high priority. */
  dozeHoldsNormalPriority: (s: DeliverySituation) => s.conditions.doze && s.priority !== 'high',
  noGoogleServices: (s: DeliverySituation) => !s.conditions.hasGoogleServices,
  highPriority: (s: DeliverySituation) => s.priority === 'high',
} as const;

export type DeliveryConditionName = keyof typeof DELIVERY_CONDITIONS;
