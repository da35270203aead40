// A small typed publish/subscribe bus: the ledger, the ws feed and the dashboard observe the simulator through it.

export type Listener<T> = (payload: T) => void;

export class EventBus<Events extends Record<string, unknown>> {
  private readonly listeners = new Map<keyof Events, Set<Listener<never>>>();
  private readonly anyListeners = new Set<(type: keyof Events, payload: Events[keyof Events]) => void>();

  on<K extends keyof Events>(type: K, listener: Listener<Events[K]>): () => void {
    let set = this.listeners.get(type);
    if (!set) {
      set = new Set();
      this.listeners.set(type, set);
    }
    set.add(listener as Listener<never>);
    return () => {
      set!.delete(listener as Listener<never>);
    };
  }

  /** Subscribes to every event; used by feeds that forward everything. */
  onAny(listener: <K extends keyof Events>(type: K, payload: Events[K]) => void): () => void {
    this.anyListeners.add(listener as (type: keyof Events, payload: Events[keyof Events]) => void);
    return () => {
      this.anyListeners.delete(listener as (type: keyof Events, payload: Events[keyof Events]) => void);
    };
  }

  /** Whether anyone listens to `type`; lets hot paths skip building an event nobody reads. */
  hasListeners(type: keyof Events): boolean {
    return this.anyListeners.size > 0 || (this.listeners.get(type)?.size ?? 0) > 0;
  }

  /** Delivers to every subscriber; a throwing subscriber is reported and does not stop the others. */
  emit<K extends keyof Events>(type: K, payload: Events[K]): void {
    const set = this.listeners.get(type);
    if (set) for (const listener of set) this.safely(() => (listener as Listener<Events[K]>)(payload));
    for (const listener of this.anyListeners) this.safely(() => listener(type, payload));
  }

  private safely(run: () => void): void {
    try {
      run();
    } catch (error) {
      console.error('[pushsim] an event subscriber threw; the other subscribers still ran:', error);
    }
  }
}
