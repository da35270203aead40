// One JavaScript "process" of an app under test: the module context its entry file ran in, with the listeners,
// components, headless tasks and native-module state that live and die with it. Killing the app throws the whole
// context away.

export type Listener = (...args: any[]) => unknown;
export type AppStateStatus = 'active' | 'background' | 'inactive';

/** Native event listeners by event name, as RN's NativeEventEmitter keeps them. */
export class NativeEventHub {
  private readonly listeners = new Map<string, Set<Listener>>();
  add(event: string, listener: Listener): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener);
    return () => {
      set!.delete(listener);
    };
  }
  removeAll(event?: string): void {
    if (event === undefined) this.listeners.clear();
    else this.listeners.delete(event);
  }
  count(event: string): number {
    return this.listeners.get(event)?.size ?? 0;
  }
  /** Calls every listener of `event` with `body`; returns how many ran. */
  emit(event: string, body: unknown): number {
    const set = this.listeners.get(event);
    if (!set) return 0;
    for (const listener of [...set]) listener(body);
    return set.size;
  }
}

export interface JsContextOptions {
  id: number;
  platform: 'ios' | 'android';
  osVersion: string;
  headless: boolean;
  appState: AppStateStatus;
}

export class JsContext {
  readonly id: number;
  readonly platform: 'ios' | 'android';
  readonly osVersion: string;
  /** Started for a background delivery without mounting the UI (Android Headless JS, iOS background launch). */
  readonly headless: boolean;
  alive = true;
  mounted = false;
  /** How many times pushsim/react-native was evaluated for this context; 0 after a launch means modules were cached. */
  bindings = 0;
  appState: AppStateStatus;
  readonly events = new NativeEventHub();
  readonly appStateListeners = new Set<(state: AppStateStatus) => void>();
  readonly components = new Map<string, () => unknown>();
  readonly headlessTasks = new Map<string, () => (data: unknown) => Promise<unknown>>();
  /** `NativeModules`, filled by the app process per SDK profile before the entry file runs. */
  readonly nativeModules: Record<string, unknown> = {};
  /**
   * Per-SDK native state kept in this process (ZPNs's background-handler flag and queue, RN Firebase's handlers...).
   */
  readonly sdkState: Record<string, unknown> = {};
  readonly errors: unknown[] = [];

  constructor(options: JsContextOptions) {
    this.id = options.id;
    this.platform = options.platform;
    this.osVersion = options.osVersion;
    this.headless = options.headless;
    this.appState = options.appState;
  }

  setAppState(state: AppStateStatus): void {
    if (state === this.appState) return;
    this.appState = state;
    for (const listener of [...this.appStateListeners]) {
      try {
        listener(state);
      } catch (error) {
        this.errors.push(error);
      }
    }
  }

  /** Throws the context away: no listener, component or task of it runs again. */
  destroy(): void {
    this.alive = false;
    this.events.removeAll();
    this.appStateListeners.clear();
    this.headlessTasks.clear();
  }
}

const SLOT = Symbol.for('pushsim.react-native.loading-context');

/** The context whose entry file is being evaluated right now; pushsim/react-native binds to it when it loads. */
export function loadingContext(): JsContext | undefined {
  return (globalThis as Record<symbol, JsContext | undefined>)[SLOT];
}

export function setLoadingContext(context: JsContext | undefined): void {
  (globalThis as Record<symbol, JsContext | undefined>)[SLOT] = context;
}

const LOADING_QUEUE = Symbol.for('pushsim.react-native.loading-queue');

/**
 * Evaluates an entry file for a context. Loading is asynchronous and the stand-in binds to whichever context is loading,
 * so two app processes (two scenario runs at once, two apps in one test) load one after the other.
 */
export function loadFor<T>(context: JsContext, load: () => Promise<T>): Promise<T> {
  const slot = globalThis as Record<symbol, Promise<unknown> | undefined>;
  const run = (slot[LOADING_QUEUE] ?? Promise.resolve()).then(async () => {
    setLoadingContext(context);
    try {
      return await load();
    } finally {
      setLoadingContext(undefined);
    }
  });
  slot[LOADING_QUEUE] = run.catch(() => undefined);
  return run;
}
