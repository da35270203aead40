// ZEGO push strategies: `resourcesID`s (≤ 32 characters, 10 per project by default) mapping a per-vendor configuration
// (docs/reference/zpns.md#resourcesid): Apple (alert, background/silent, VoIP), FCM (data or notification message),
// and the Chinese vendors. Named presets cover the common ones.
import { ErrorCodes, SimulatorError } from '../../core/index.js';

export interface AppleStrategy {
  pushType: 'alert' | 'background' | 'voip';
  sound?: string;
  mutableContent?: boolean;
}
export interface FcmStrategy {
  messageType: 'data' | 'notification';
  channelId?: string;
  priority?: 'high' | 'normal';
  sound?: string;
}
export interface VendorStrategy {
  channelId?: string;
  category?: string;
  [key: string]: unknown;
}

export interface PushStrategy {
  resourcesID: string;
  apple?: AppleStrategy;
  fcm?: FcmStrategy;
  huawei?: VendorStrategy;
  xiaomi?: VendorStrategy;
  oppo?: VendorStrategy;
  vivo?: VendorStrategy;
}

export const VENDORS = ['huawei', 'xiaomi', 'oppo', 'vivo'] as const;
export type Vendor = (typeof VENDORS)[number];

/** Presets for the common strategies; silent and VoIP ones are what ZEGO support sets up on request. */
export const STRATEGY_PRESETS: Record<string, Omit<PushStrategy, 'resourcesID'>> = {
  'silent-ios': { apple: { pushType: 'background' } },
  'silent-fcm': { fcm: { messageType: 'data', priority: 'high' } },
  silent: { apple: { pushType: 'background' }, fcm: { messageType: 'data', priority: 'high' } },
  alert: {
    apple: { pushType: 'alert', sound: 'default' },
    fcm: { messageType: 'notification', priority: 'high' },
    huawei: {},
    xiaomi: {},
    oppo: {},
    vivo: {},
  },
  voip: { apple: { pushType: 'voip' }, fcm: { messageType: 'data', priority: 'high' } },
};

export const DEFAULT_STRATEGY_LIMIT = 10;

export class PushStrategies {
  private readonly strategies = new Map<string, PushStrategy>();
  constructor(private limit = DEFAULT_STRATEGY_LIMIT) {}

  set(strategy: PushStrategy): PushStrategy {
    if (!strategy.resourcesID || strategy.resourcesID.length > 32)
      throw new SimulatorError(
        ErrorCodes.INVALID_RESOURCES_ID,
        `resourcesID "${strategy.resourcesID}" must be 1–32 characters`,
        'resourcesID',
      );
    if (!this.strategies.has(strategy.resourcesID) && this.strategies.size >= this.limit) {
      throw new SimulatorError(
        ErrorCodes.TOO_MANY_STRATEGIES,
        `a project has at most ${this.limit} resourcesIDs (ZEGO's default); raise the limit with zpns.strategyLimit, as ZEGO support would`,
        'resourcesID',
      );
    }
    this.strategies.set(strategy.resourcesID, strategy);
    return strategy;
  }

  fromPreset(resourcesID: string, preset: string): PushStrategy {
    const base = STRATEGY_PRESETS[preset];
    if (!base)
      throw new SimulatorError(
        ErrorCodes.UNKNOWN_PRESET,
        `no preset "${preset}"; presets: ${Object.keys(STRATEGY_PRESETS).join(', ')}`,
        'preset',
      );
    return this.set({ resourcesID, ...structuredClone(base) });
  }

  get(resourcesID: string): PushStrategy | undefined {
    return this.strategies.get(resourcesID);
  }
  list(): PushStrategy[] {
    return [...this.strategies.values()];
  }
  remove(resourcesID: string): boolean {
    return this.strategies.delete(resourcesID);
  }
  setLimit(limit: number): void {
    this.limit = limit;
  }
  clear(): void {
    this.strategies.clear();
  }
}
