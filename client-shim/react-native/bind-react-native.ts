// The react-native surface pushsim stands in for, bound to one app process: NativeModules, Platform,
// NativeEventEmitter, AppRegistry, AppState. The aliased module (react-native/index.ts) and the plain app API both use
// it.
import type { AppStateStatus, JsContext } from '../js-context.js';

export interface EmitterSubscription {
  remove(): void;
}

export function bindReactNative(context: JsContext) {
  const Platform = {
    OS: context.platform,
    Version: context.platform === 'android' ? Number.parseInt(context.osVersion, 10) || 34 : context.osVersion,
    get isTesting(): boolean {
      return true;
    },
    select<T>(options: { ios?: T; android?: T; native?: T; default?: T }): T | undefined {
      return options[context.platform] ?? options.native ?? options.default;
    },
  };

  /**
   * RN's NativeEventEmitter over the process's native event hub; native modules emit `{ message }` bodies through it.
   */
  class NativeEventEmitter {
    constructor(
      readonly nativeModule?: { addListener?: (event: string) => void; removeListeners?: (count: number) => void },
    ) {}
    addListener(eventType: string, listener: (...args: any[]) => unknown): EmitterSubscription {
      this.nativeModule?.addListener?.(eventType);
      const remove = context.events.add(eventType, listener);
      return {
        remove: () => {
          remove();
          this.nativeModule?.removeListeners?.(1);
        },
      };
    }
    removeAllListeners(eventType?: string): void {
      const count = eventType ? context.events.count(eventType) : 0;
      context.events.removeAll(eventType);
      if (count) this.nativeModule?.removeListeners?.(count);
    }
    listenerCount(eventType: string): number {
      return context.events.count(eventType);
    }
    emit(eventType: string, ...args: unknown[]): void {
      context.events.emit(eventType, args[0]);
    }
  }

  const AppRegistry = {
    /** Stands for mounting: pushsim calls the component function when the UI is shown. */
    registerComponent(appKey: string, componentProvider: () => unknown): string {
      context.components.set(appKey, componentProvider);
      return appKey;
    },
    registerHeadlessTask(taskKey: string, taskProvider: () => (data: unknown) => Promise<unknown>): void {
      context.headlessTasks.set(taskKey, taskProvider);
    },
    getAppKeys(): string[] {
      return [...context.components.keys()];
    },
  };

  const AppState = {
    get currentState(): AppStateStatus {
      return context.appState;
    },
    addEventListener(type: 'change', listener: (state: AppStateStatus) => void): EmitterSubscription {
      if (type !== 'change') return { remove() {} };
      context.appStateListeners.add(listener);
      return {
        remove: () => {
          context.appStateListeners.delete(listener);
        },
      };
    },
  };

  return {
    NativeModules: context.nativeModules as Record<string, any>,
    Platform,
    NativeEventEmitter,
    DeviceEventEmitter: new NativeEventEmitter(),
    AppRegistry,
    AppState,
  };
}

export type BoundReactNative = ReturnType<typeof bindReactNative>;
