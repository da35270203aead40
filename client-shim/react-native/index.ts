// pushsim/react-native: a stand-in for the `react-native` module. Alias `react-native` to it (vitest resolve.alias, jest
// moduleNameMapper) and the published SDK JavaScript (zego-zpns-react-native) runs unchanged against the simulator.
// Each evaluation binds to the app process whose entry file is loading, so a fresh module context is a fresh process.
import { loadingContext, type AppStateStatus, type JsContext } from '../js-context.js';

function bind(): JsContext {
  const context = loadingContext();
  if (!context) {
    throw new Error('[pushsim] pushsim/react-native was loaded outside an app process. Start the app with AppProcess (pushsim/client-shim) and import the entry file through its `entry` option, so the module binds to that process.');
  }
  context.bindings++;
  return context;
}

const context = bind();

export const NativeModules: Record<string, any> = context.nativeModules;

export const Platform = {
  OS: context.platform,
  Version: context.platform === 'android' ? Number.parseInt(context.osVersion, 10) || 34 : context.osVersion,
  get isTesting(): boolean { return true; },
  select<T>(options: { ios?: T; android?: T; native?: T; default?: T }): T | undefined {
    return options[context.platform] ?? options.native ?? options.default;
  },
};

export interface EmitterSubscription { remove(): void }

/** RN's NativeEventEmitter over the process's native event hub; native modules emit `{ message }` bodies through it. */
export class NativeEventEmitter {
  constructor(private readonly nativeModule?: { addListener?: (event: string) => void; removeListeners?: (count: number) => void }) {}
  addListener(eventType: string, listener: (...args: any[]) => unknown): EmitterSubscription {
    this.nativeModule?.addListener?.(eventType);
    const remove = context.events.add(eventType, listener);
    return { remove: () => { remove(); this.nativeModule?.removeListeners?.(1); } };
  }
  removeAllListeners(eventType?: string): void {
    const count = eventType ? context.events.count(eventType) : 0;
    context.events.removeAll(eventType);
    if (count) this.nativeModule?.removeListeners?.(count);
  }
  listenerCount(eventType: string): number { return context.events.count(eventType); }
  emit(eventType: string, ...args: unknown[]): void { context.events.emit(eventType, args[0]); }
}

export const DeviceEventEmitter = new NativeEventEmitter();

export const AppRegistry = {
  /** Stands for mounting: pushsim calls the component function when the UI is shown. */
  registerComponent(appKey: string, componentProvider: () => unknown): string {
    context.components.set(appKey, componentProvider);
    return appKey;
  },
  registerHeadlessTask(taskKey: string, taskProvider: () => (data: unknown) => Promise<unknown>): void {
    context.headlessTasks.set(taskKey, taskProvider);
  },
  getAppKeys(): string[] { return [...context.components.keys()]; },
};

export const AppState = {
  get currentState(): AppStateStatus { return context.appState; },
  addEventListener(type: 'change', listener: (state: AppStateStatus) => void): EmitterSubscription {
    if (type !== 'change') return { remove() {} };
    context.appStateListeners.add(listener);
    return { remove: () => { context.appStateListeners.delete(listener); } };
  },
};

export default { NativeModules, Platform, NativeEventEmitter, DeviceEventEmitter, AppRegistry, AppState };
