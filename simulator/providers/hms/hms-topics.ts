// Topic subscriptions per Push Kit app: what topic:subscribe / topic:unsubscribe change, topic:list reads and topic and
// condition sends fan out to (docs/reference/hms.md#topics).
import { evaluateCondition, type Condition } from '../fcm/index.js';

/** Topics one app instance may hold (82000009 in Huawei's table, docs/reference/hms.md#topics). */
export const HMS_MAX_TOPICS_PER_TOKEN = 2000;

export class HmsTopics {
  /** app ID → token → topic → date subscribed (yyyy-mm-dd) */
  private readonly subscriptions = new Map<string, Map<string, Map<string, string>>>();

  subscribe(appId: string, token: string, topic: string, now: number): 'ok' | 'too-many-topics' {
    let byToken = this.subscriptions.get(appId);
    if (!byToken) {
      byToken = new Map();
      this.subscriptions.set(appId, byToken);
    }
    let topics = byToken.get(token);
    if (!topics) {
      topics = new Map();
      byToken.set(token, topics);
    }
    if (!topics.has(topic) && topics.size >= HMS_MAX_TOPICS_PER_TOKEN) return 'too-many-topics';
    if (!topics.has(topic)) topics.set(topic, new Date(now).toISOString().slice(0, 10));
    return 'ok';
  }

  unsubscribe(appId: string, token: string, topic: string): void {
    this.subscriptions.get(appId)?.get(token)?.delete(topic);
  }

  topicsOf(appId: string, token: string): { name: string; addDate: string }[] {
    return [...(this.subscriptions.get(appId)?.get(token) ?? [])].map(([name, addDate]) => ({ name, addDate }));
  }

  subscribers(appId: string, topic: string): string[] {
    return [...(this.subscriptions.get(appId) ?? [])].filter(([, topics]) => topics.has(topic)).map(([token]) => token);
  }

  matching(appId: string, condition: Condition): string[] {
    return [...(this.subscriptions.get(appId) ?? [])]
      .filter(([, topics]) => evaluateCondition(condition, (t) => topics.has(t)))
      .map(([token]) => token);
  }

  clear(): void {
    this.subscriptions.clear();
  }
}
