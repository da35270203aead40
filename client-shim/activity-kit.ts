// An ActivityKit-shaped API for an app under test, over its shim connection: Activity.request, an activity's
// pushTokenUpdates, contentUpdates and activityStateUpdates (async iterables, as ActivityKit's sequences), update and
// end, and Activity.pushToStartTokenUpdates(attributesType). The simulator owns the activities
// (docs/reference/live-activities.md); this mirrors them for the app's code.
import type { ShimActivityModel, ShimActivityNotice, ShimActivityToken } from '../simulator/shim-protocol/index.js';
import type { ShimConnection } from './shim-connection.js';

export type ActivityState = 'active' | 'stale' | 'ended' | 'dismissed';
export type ActivityPushTypeOption = 'token' | null | { channel: string };
/** ActivityUIDismissalPolicy: `default`, `immediate`, or `{ after: Date | clock ms }`. */
export type ActivityDismissalPolicy = 'default' | 'immediate' | { after: Date | number };

export interface ActivityContent<State> {
  state: State;
  staleDate?: Date | number;
  relevanceScore?: number;
}

/** AlertConfiguration(title:body:sound:): `sound` is `default` or a sound file's name; no sound when absent. */
export interface AlertConfiguration {
  title: string;
  body: string;
  sound?: string;
}

export interface ActivityRequestOptions<Attributes, State> {
  attributesType: string;
  attributes: Attributes;
  contentState: State;
  pushType?: ActivityPushTypeOption;
  staleDate?: Date | number;
  relevanceScore?: number;
}

/**
 * A sequence of values as ActivityKit's are: `for await` yields the current value (if any) and every later one; it ends
 * when the activity is dismissed (or the connection closes). It keeps the latest value and, for each open iteration,
 * only what that iteration has not read yet: a sequence nobody reads holds one value, not every value since it began.
 */
export class ActivityUpdates<T> implements AsyncIterable<T> {
  private latest: { value: T } | undefined;
  private readonly iterations = new Set<Iteration<T>>();
  private finished = false;

  /** Adds a value every open iteration sees, and the first value a later one sees. */
  push(value: T): void {
    if (this.finished) return;
    this.latest = { value };
    for (const iteration of this.iterations) {
      const waiter = iteration.waiters.shift();
      if (waiter) waiter({ value, done: false });
      else iteration.unread.push(value);
    }
  }

  finish(): void {
    this.finished = true;
    for (const iteration of this.iterations)
      for (const waiter of iteration.waiters.splice(0)) waiter({ value: undefined, done: true });
  }

  /** @internal How many values wait to be read, over all open iterations. */
  unread(): number {
    let count = 0;
    for (const iteration of this.iterations) count += iteration.unread.length;
    return count;
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    const iteration: Iteration<T> = { unread: this.latest ? [this.latest.value] : [], waiters: [] };
    this.iterations.add(iteration);
    return {
      next: () => {
        if (iteration.unread.length) return Promise.resolve({ value: iteration.unread.shift()!, done: false });
        if (this.finished) {
          this.iterations.delete(iteration);
          return Promise.resolve({ value: undefined, done: true });
        }
        return new Promise((resolve) => iteration.waiters.push(resolve));
      },
      return: () => {
        this.iterations.delete(iteration);
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}

/** One `for await` over an ActivityUpdates: what it has not read yet, or the reads waiting for the next values. */
interface Iteration<T> {
  unread: T[];
  waiters: ((result: IteratorResult<T>) => void)[];
}

/** One Live Activity as the app's code sees it. */
export class LiveActivity<Attributes = Record<string, unknown>, State = Record<string, unknown>> {
  /** Its push token (pushType token), hex, once the system has issued it. */
  pushToken: string | undefined;
  readonly pushTokenUpdates = new ActivityUpdates<string>();
  readonly contentUpdates = new ActivityUpdates<ActivityContent<State>>();
  readonly activityStateUpdates = new ActivityUpdates<ActivityState>();
  activityState: ActivityState;
  content: ActivityContent<State>;

  constructor(
    private readonly kit: ActivityKit,
    private model: ShimActivityModel,
  ) {
    this.activityState = model.state;
    this.content = contentOf<State>(model);
    if (model.pushToken) this.setToken(model.pushToken);
  }

  get id(): string {
    return this.model.id;
  }
  get attributesType(): string {
    return this.model.attributesType;
  }
  get attributes(): Attributes {
    return this.model.attributes as Attributes;
  }
  get channelId(): string | undefined {
    return this.model.channelId;
  }

  /** activity.update(_:alertConfiguration:): shows a new content state, with an alert when one is configured. */
  async update(content: ActivityContent<State>, alertConfiguration?: AlertConfiguration): Promise<void> {
    const model = await this.kit.connection.activityUpdate({
      activityId: this.id,
      contentState: content.state as Record<string, unknown>,
      ...(alertConfiguration ? { alert: alertConfiguration } : {}),
      ...(content.staleDate !== undefined ? { staleDate: ms(content.staleDate) } : {}),
      ...(content.relevanceScore !== undefined ? { relevanceScore: content.relevanceScore } : {}),
    });
    this.apply(model);
  }

  /** activity.end(_:dismissalPolicy:). */
  async end(
    content?: ActivityContent<State> | null,
    options: { dismissalPolicy?: ActivityDismissalPolicy } = {},
  ): Promise<void> {
    const policy = options.dismissalPolicy ?? 'default';
    const model = await this.kit.connection.activityEnd({
      activityId: this.id,
      ...(content ? { contentState: content.state as Record<string, unknown> } : {}),
      dismissalPolicy: typeof policy === 'string' ? policy : { after: ms(policy.after) },
    });
    this.apply(model);
  }

  /** @internal A change the simulator reported (or a reply carried). */
  apply(model: ShimActivityModel): void {
    const contentChanged = JSON.stringify(model.contentState) !== JSON.stringify(this.model.contentState);
    const stateChanged = model.state !== this.activityState;
    this.model = model;
    if (model.pushToken) this.setToken(model.pushToken);
    this.content = contentOf<State>(model);
    if (contentChanged) this.contentUpdates.push(this.content);
    if (stateChanged) {
      this.activityState = model.state;
      this.activityStateUpdates.push(model.state);
    }
    if (model.state === 'dismissed') {
      this.pushTokenUpdates.finish();
      this.contentUpdates.finish();
      this.activityStateUpdates.finish();
    }
  }

  /** @internal */
  setToken(token: string): void {
    if (token === this.pushToken) return;
    this.pushToken = token;
    this.pushTokenUpdates.push(token);
  }
}

/** ActivityKit's static side (`Activity<Attributes>`), bound to one app's shim connection. */
export class ActivityKit {
  private readonly known = new Map<string, LiveActivity>();
  private readonly startTokens = new Map<string, ActivityUpdates<string>>();
  /** Activity<T>.activityUpdates: every activity as it starts, the ones started by push-to-start too. */
  readonly activityUpdates = new ActivityUpdates<LiveActivity>();
  private readonly ready: Promise<void>;

  constructor(readonly connection: ShimConnection) {
    connection.on('activity', (notice) => this.onActivity(notice));
    connection.on('activityToken', (notice) => this.onToken(notice));
    connection.on('close', () => {
      for (const activity of this.known.values()) {
        activity.pushTokenUpdates.finish();
        activity.contentUpdates.finish();
        activity.activityStateUpdates.finish();
      }
      for (const updates of this.startTokens.values()) updates.finish();
      this.activityUpdates.finish();
    });
    this.ready = connection.activities().then(({ activities, pushToStartTokens }) => {
      for (const model of activities) this.track(model);
      for (const [type, token] of Object.entries(pushToStartTokens)) this.startTokensOf(type).push(token);
    });
    // Handled here so that a connection closing before the answer is no unhandled rejection when nobody calls
    // request() or activities(); those still await `ready` and hear the failure.
    this.ready.catch(() => undefined);
  }

  /** Activity.request(attributes:content:pushType:). */
  async request<Attributes extends object, State extends object>(
    options: ActivityRequestOptions<Attributes, State>,
  ): Promise<LiveActivity<Attributes, State>> {
    await this.ready;
    const pushType = options.pushType === undefined || options.pushType === 'token' ? 'token' : options.pushType;
    const model = await this.connection.activityRequest({
      attributesType: options.attributesType,
      attributes: options.attributes as Record<string, unknown>,
      contentState: options.contentState as Record<string, unknown>,
      pushType: pushType === null ? 'none' : pushType,
      ...(options.staleDate !== undefined ? { staleDate: ms(options.staleDate) } : {}),
      ...(options.relevanceScore !== undefined ? { relevanceScore: options.relevanceScore } : {}),
    });
    return this.track(model) as unknown as LiveActivity<Attributes, State>;
  }

  /** Activity<T>.activities: the app's activities the simulator knows, ended ones too. */
  async activities(): Promise<LiveActivity[]> {
    await this.ready;
    return [...this.known.values()];
  }

  /** Activity<T>.pushToStartTokenUpdates: the push-to-start token of an attributes type, and any later one. */
  pushToStartTokenUpdates(attributesType: string): AsyncIterable<string> {
    return this.startTokensOf(attributesType);
  }

  private startTokensOf(attributesType: string): ActivityUpdates<string> {
    let updates = this.startTokens.get(attributesType);
    if (!updates) {
      updates = new ActivityUpdates<string>();
      this.startTokens.set(attributesType, updates);
    }
    return updates;
  }

  private track(model: ShimActivityModel): LiveActivity {
    const existing = this.known.get(model.id);
    if (existing) {
      existing.apply(model);
      return existing;
    }
    const activity = new LiveActivity(this, model);
    this.known.set(model.id, activity);
    this.activityUpdates.push(activity);
    return activity;
  }

  private onActivity(notice: ShimActivityNotice): void {
    this.track(notice.activity);
  }

  private onToken(notice: ShimActivityToken): void {
    if (notice.kind === 'push-to-start') this.startTokensOf(notice.attributesType).push(notice.token);
    else if (notice.activityId) this.known.get(notice.activityId)?.setToken(notice.token);
  }
}

/** The ActivityKit API of one app install, over its shim connection. */
export function activityKit(connection: ShimConnection): ActivityKit {
  return new ActivityKit(connection);
}

function ms(date: Date | number): number {
  return typeof date === 'number' ? date : date.getTime();
}

function contentOf<State>(model: ShimActivityModel): ActivityContent<State> {
  return {
    state: model.contentState as State,
    ...(model.staleDate !== undefined ? { staleDate: model.staleDate } : {}),
    ...(model.relevanceScore !== undefined ? { relevanceScore: model.relevanceScore } : {}),
  };
}
