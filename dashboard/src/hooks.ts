// Reading the API from views: a resource is fetched, then fetched again when the feed says something it shows changed.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { ApiError } from './api.js';
import { FEED_RECONNECTED, type FeedMessage, feed } from './event-feed.js';

export interface Resource<T> {
  data: T | undefined;
  error: ApiError | Error | undefined;
  isLoading: boolean;
  /** Reads again; resolves once this read (not an older one) is shown. */
  reload: () => Promise<void>;
}

/**
 * `load` now, and again (at most once a frame) whenever a feed event of one of `refetchOn`'s types or prefixes
 * (`push.`) arrives, after a reconnect, and after a reset.
 */
export function useResource<T>(
  load: () => Promise<T>,
  deps: unknown[],
  refetchOn: readonly string[] = [],
): Resource<T> {
  const [state, setState] = useState<{ data?: T; error?: ApiError | Error; isLoading: boolean }>({ isLoading: true });
  const loadRef = useRef(load);
  loadRef.current = load;
  const generation = useRef(0);
  const latest = useRef<Promise<void>>(Promise.resolve());
  const reload = useCallback(() => {
    const mine = ++generation.current;
    // A read overtaken by a newer one is dropped, and its caller waits for the newer one instead: resolving early
    // would let a caller (a switch waiting for the device) show the data from before its own change.
    const read: Promise<void> = loadRef.current().then(
      (data) => {
        if (mine === generation.current) setState({ data, isLoading: false });
        else return latest.current;
      },
      (error: Error) => {
        if (mine === generation.current) setState((s) => ({ ...s, error, isLoading: false }));
        else return latest.current;
      },
    );
    latest.current = read;
    return read;
  }, []);
  useEffect(() => {
    setState((s) => ({ ...s, isLoading: true, error: undefined }));
    void reload();
  }, deps);
  const key = refetchOn.join(' ');
  useEffect(() => {
    let isQueued = false;
    return feed.subscribe((message) => {
      if (!matches(message, refetchOn)) return;
      if (isQueued) return;
      isQueued = true;
      requestAnimationFrame(() => {
        isQueued = false;
        void reload();
      });
    });
  }, [key, reload]);
  return { data: state.data, error: state.error, isLoading: state.isLoading, reload };
}

function matches(message: FeedMessage, refetchOn: readonly string[]): boolean {
  if (message.type === FEED_RECONNECTED || message.type === 'simulator.reset') return true;
  return refetchOn.some((type) => (type.endsWith('.') ? message.type.startsWith(type) : message.type === type));
}

export function useFeed(listener: (message: FeedMessage) => void): void {
  const ref = useRef(listener);
  ref.current = listener;
  useEffect(() => feed.subscribe((message) => ref.current(message)), []);
}

/** Re-renders every `ms` (a real clock's countdowns); none when `ms` is undefined. */
export function useTick(ms: number | undefined): void {
  const [, setTick] = useState(0);
  useEffect(() => {
    if (ms === undefined) return;
    const timer = setInterval(() => setTick((n) => n + 1), ms);
    return () => clearInterval(timer);
  }, [ms]);
}
