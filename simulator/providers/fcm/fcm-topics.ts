// Topic subscriptions per project: what firebase-admin's subscribeToTopic, the legacy IID batchAdd/batchRemove and the
// shim's subscribeToTopic change, and what topic and condition sends fan out to.
import { evaluateCondition, type Condition } from './fcm-condition.js';

export const MAX_TOPICS_PER_APP_INSTANCE = 2000;

/** A subscription made or ended (the provider puts it on the bus as `topic.changed`). */
export interface TopicChange {
  project: string;
  token: string;
  topic: string;
  subscribed: boolean;
}

export class FcmTopics {
  /** project → token → topics */
  private readonly subscriptions = new Map<string, Map<string, Set<string>>>();

  constructor(private readonly onChange?: (change: TopicChange) => void) {}

  subscribe(project: string, token: string, topic: string): 'ok' | 'too-many-topics' {
    let byToken = this.subscriptions.get(project);
    if (!byToken) {
      byToken = new Map();
      this.subscriptions.set(project, byToken);
    }
    let topics = byToken.get(token);
    if (!topics) {
      topics = new Set();
      byToken.set(token, topics);
    }
    if (topics.has(topic)) return 'ok';
    if (topics.size >= MAX_TOPICS_PER_APP_INSTANCE) return 'too-many-topics';
    topics.add(topic);
    this.onChange?.({ project, token, topic, subscribed: true });
    return 'ok';
  }

  unsubscribe(project: string, token: string, topic: string): boolean {
    const removed = this.subscriptions.get(project)?.get(token)?.delete(topic) ?? false;
    if (removed) this.onChange?.({ project, token, topic, subscribed: false });
    return removed;
  }

  /** Every subscription, project by project. */
  list(): { project: string; token: string; topic: string }[] {
    const out: { project: string; token: string; topic: string }[] = [];
    for (const [project, byToken] of this.subscriptions)
      for (const [token, topics] of byToken) for (const topic of topics) out.push({ project, token, topic });
    return out;
  }

  topicsOf(project: string, token: string): string[] {
    return [...(this.subscriptions.get(project)?.get(token) ?? [])];
  }

  subscribers(project: string, topic: string): string[] {
    const out: string[] = [];
    for (const [token, topics] of this.subscriptions.get(project) ?? []) if (topics.has(topic)) out.push(token);
    return out;
  }

  matching(project: string, condition: Condition): string[] {
    const out: string[] = [];
    for (const [token, topics] of this.subscriptions.get(project) ?? [])
      if (evaluateCondition(condition, (t) => topics.has(t))) out.push(token);
    return out;
  }

  forgetToken(token: string): void {
    for (const byToken of this.subscriptions.values()) byToken.delete(token);
  }
  clear(): void {
    this.subscriptions.clear();
  }
}
