// Reading the API from views: a resource is fetched, then fetched again when the feed says something it shows changed.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ApiError } from './api.js';
import { FEED_RECONNECTED, type FeedMessage, feed } from './event-feed.js';
import { coalesceReads } from './read-coalescer.js';

export interface Resource<T> {
  data: T | undefined;
  error: ApiError | Error | undefined;
  isLoading: boolean;
  /** Reads again; resolves once a read started after this call is shown (reads in a burst share one). */
  reload: () => Promise<void>;
}

/**
 * `load` now, and again (at most once a frame) whenever a feed event of one of `refetchOn`'s types or prefixes
 * (`push.`) arrives, after a reconnect, and after a reset. At most one read is in flight and one waits behind it
 * (read-coalescer.ts): a burst of feed events costs two reads, not one per frame piling up on a slow server.
 */
export function useResource<T>(
  load: () => Promise<T>,
  deps: unknown[],
  refetchOn: readonly string[] = [],
): Resource<T> {
  const [state, setState] = useState<{ data?: T; error?: ApiError | Error; isLoading: boolean }>({ isLoading: true });
  const loadRef = useRef(load);
  loadRef.current = load;
  // Bumped when `deps` change: a read started for the old deps is not shown (the trailing read is for the new ones).
  const epoch = useRef(0);
  const reloadRef = useRef<(() => Promise<void>) | undefined>(undefined);
  if (!reloadRef.current) {
    reloadRef.current = coalesceReads(() => {
      const mine = epoch.current;
      return loadRef.current().then(
        (data) => {
          if (mine === epoch.current) setState({ data, isLoading: false });
        },
        (error: Error) => {
          if (mine === epoch.current) setState((s) => ({ ...s, error, isLoading: false }));
        },
      );
    });
  }
  const reload = reloadRef.current;
  useEffect(() => {
    epoch.current++;
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
