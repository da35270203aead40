// How a resource is read again when the feed says it changed: at most one read in flight and one waiting behind it,
// so a burst of a thousand feed events costs two reads (the one running and one that sees everything after it).

/**
 * Wraps `read` so that calls while a read runs share a single trailing read started once it ends. Each call resolves
 * with a read that started after the call, so a caller waiting on it sees its own change (never an older answer).
 */
export function coalesceReads(read: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  /** Set only while it waits: it is cleared the moment it starts (and becomes `running`). */
  let trailing: Promise<void> | undefined;
  const start = (): Promise<void> => {
    const current = (async () => {
      try {
        await read();
      } finally {
        running = undefined;
      }
    })();
    running = current;
    return current;
  };
  return () => {
    if (trailing) return trailing;
    if (!running) return start();
    trailing = running
      .catch(() => undefined)
      .then(() => {
        trailing = undefined;
        return start();
      });
    return trailing;
  };
}
