// Reading the API from views: a resource is fetched, then fetched again when the feed says something it shows changed.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { ApiError } from './api.js';
import { FEED_RECONNECTED, type FeedMessage, feed } from './event-feed.js';

export interface Resource<T> {
  data: T | undefined;
  error: ApiError | Error | undefined;
  isLoading: boolean;
  reload: () => void;
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
  const reload = useCallback(() => {
    const mine = ++generation.current;
    loadRef.current().then(
      (data) => mine === generation.current && setState({ data, isLoading: false }),
      (error: Error) => mine === generation.current && setState((s) => ({ ...s, error, isLoading: false })),
    );
  }, []);
  useEffect(() => {
    setState((s) => ({ ...s, isLoading: true, error: undefined }));
    reload();
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
        reload();
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
