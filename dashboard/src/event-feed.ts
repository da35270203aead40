// The live feed (ws /api/events, simulator/control/event-feed.ts): one socket for the page, reconnecting on its own
// with a growing delay; views subscribe by event type and refetch what they show ("notify, then refetch").
import { eventsUrl } from './api.js';

export interface FeedMessage {
  type: string;
  at: number;
  data: Record<string, unknown>;
}

export type FeedStatus = 'connecting' | 'open' | 'closed';
type Listener = (message: FeedMessage) => void;

/** Sent to subscribers after a reconnect: whatever happened while the socket was down, lists must be read again. */
export const FEED_RECONNECTED = 'feed.reconnected';

class EventFeed {
  private socket: WebSocket | undefined;
  private readonly listeners = new Set<Listener>();
  private readonly statusListeners = new Set<(status: FeedStatus) => void>();
  private retryMs = 250;
  private hasOpened = false;
  status: FeedStatus = 'closed';

  start(): void {
    if (this.socket) return;
    this.setStatus('connecting');
    const socket = new WebSocket(eventsUrl());
    this.socket = socket;
    socket.onopen = () => {
      this.retryMs = 250;
      this.setStatus('open');
      if (this.hasOpened) this.emit({ type: FEED_RECONNECTED, at: Date.now(), data: {} });
      this.hasOpened = true;
    };
    socket.onmessage = (event) => {
      try {
        this.emit(JSON.parse(String(event.data)) as FeedMessage);
      } catch {
        /* the feed sends JSON only; ignore anything else */
      }
    };
    socket.onclose = () => {
      this.socket = undefined;
      this.setStatus('closed');
      setTimeout(() => this.start(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, 5000);
    };
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onStatus(listener: (status: FeedStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  private emit(message: FeedMessage): void {
    for (const listener of this.listeners) listener(message);
  }

  private setStatus(status: FeedStatus): void {
    this.status = status;
    for (const listener of this.statusListeners) listener(status);
  }
}

export const feed = new EventFeed();
