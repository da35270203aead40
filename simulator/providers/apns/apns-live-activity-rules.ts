// APNs's Live Activity rows of the rules table, which the APNs module contributes (apnsService.rules): what APNs answers
// an ActivityKit push on the wire (accept; the rejections name these rows), whether a priority-10 push finds the
// activity's budget spent (throttle), and what the activity does with the push, with the app's own calls and with its
// dates on the clock (decide). simulator/live-activity/ matches them. Facts: docs/reference/live-activities.md.
import { stageRule, type AcceptFacts, type LiveActivityFacts, type ServiceRules } from '../../delivery/index.js';

const LA = 'docs/reference/live-activities.md';
const isPush = (f: LiveActivityFacts): boolean => f.trigger === 'push';
const toActivity = (f: LiveActivityFacts): boolean => isPush(f) && f.via !== 'push-to-start';
const toStartToken = (f: LiveActivityFacts): boolean => isPush(f) && f.via === 'push-to-start';

// ── accept: APNs's answers on the wire (the provider names the row; none is picked by provider and fate alone) ─────
const never = (): boolean => false;
export const LIVE_ACTIVITY_ACCEPT_RULES = [
  stageRule<AcceptFacts>({
    id: 'apns.liveactivity.wire.topic',
    stage: 'accept',
    channels: ['apns'],
    condition:
      'apns-push-type liveactivity with a topic that is not <bundle id>.push-type.liveactivity (or that topic with another push type): 400 BadTopic.',
    when: never,
    outcome: { fate: 'rejected', reason: 'BadTopic' },
    source: [`${LA}#push-type-topic-and-authentication`, 'docs/reference/apns.md#push-types-and-topic-suffixes'],
  }),
  stageRule<AcceptFacts>({
    id: 'apns.liveactivity.wire.certificate',
    stage: 'accept',
    channels: ['apns'],
    condition:
      'An ActivityKit push over a certificate connection: Apple supports token authentication only for them; the certificate covers no .push-type.liveactivity topic, so 400 BadTopic.',
    when: never,
    outcome: { fate: 'rejected', reason: 'BadTopic' },
    source: [`${LA}#push-type-topic-and-authentication`],
    unconfirmed: true,
  }),
  stageRule<AcceptFacts>({
    id: 'apns.liveactivity.wire.unknown-token',
    stage: 'accept',
    channels: ['apns'],
    condition:
      'An ActivityKit push to a token that is no Live Activity push token nor push-to-start token of any simulated iPhone (or one of the other environment): 400 BadDeviceToken.',
    when: never,
    outcome: { fate: 'rejected', reason: 'BadDeviceToken' },
    source: [`${LA}#tokens-on-the-wire`, 'docs/reference/apns.md#reason-codes'],
  }),
  stageRule<AcceptFacts>({
    id: 'apns.liveactivity.wire.token-not-for-topic',
    stage: 'accept',
    channels: ['apns'],
    condition:
      "A Live Activity token with another app's topic, or with push type alert and the bare bundle id (Apple's forum: DeviceTokenNotForTopic), or a device token with push type liveactivity: 400 DeviceTokenNotForTopic.",
    when: never,
    outcome: { fate: 'rejected', reason: 'DeviceTokenNotForTopic' },
    source: [`${LA}#tokens-on-the-wire`],
  }),
  stageRule<AcceptFacts>({
    id: 'apns.liveactivity.wire.dismissed',
    stage: 'accept',
    channels: ['apns'],
    condition:
      'The push token of an activity the system has dismissed (it ended and left the lock screen): 410 Unregistered with the time it was dismissed, as developers report for tokens of activities gone.',
    when: never,
    outcome: { fate: 'rejected', reason: 'Unregistered' },
    source: [`${LA}#tokens-of-ended-activities`],
    unconfirmed: true,
  }),
];

// ── throttle: the priority-10 budget ─────────────────────────────────────────────────────────────────────────────
export const LIVE_ACTIVITY_THROTTLE_RULES = [
  stageRule<LiveActivityFacts>({
    id: 'apns.liveactivity.budget.exceeded',
    stage: 'throttle',
    channels: ['apns'],
    condition:
      "A priority-10 ActivityKit push finds the activity's budget spent (pushsim's model: liveActivities.budget, more with NSSupportsLiveActivitiesFrequentUpdates): it is throttled and the activity keeps its content.",
    when: (f) => toActivity(f) && f.priority === 10 && f.overBudget === true,
    outcome: {
      fate: 'throttled',
      reason: "the Live Activity's priority-10 update budget is spent; send priority 5, or declare frequentUpdates",
    },
    source: [`${LA}#update-budget`],
  }),
  stageRule<LiveActivityFacts>({
    id: 'apns.liveactivity.budget.counted',
    stage: 'throttle',
    channels: ['apns'],
    condition: "A priority-10 ActivityKit push within the budget draws one from the activity's budget.",
    when: (f) => toActivity(f) && f.priority === 10,
    outcome: { effect: "draws one from the activity's priority-10 budget" },
    source: [`${LA}#update-budget`],
  }),
  stageRule<LiveActivityFacts>({
    id: 'apns.liveactivity.budget.not-counted',
    stage: 'throttle',
    channels: ['apns'],
    condition: 'A priority-5 (or 1) ActivityKit push does not count against the budget.',
    when: (f) => toActivity(f) && f.priority !== 10,
    outcome: { effect: 'not counted against the budget' },
    source: [`${LA}#update-budget`],
  }),
];

// ── decide: what the activity does ───────────────────────────────────────────────────────────────────────────
export const LIVE_ACTIVITY_DECIDE_RULES = [
  stageRule<LiveActivityFacts>({
    id: 'apns.liveactivity.timestamp.missing',
    stage: 'decide',
    channels: ['apns'],
    condition:
      'An ActivityKit push without a numeric aps.timestamp (Apple requires it): APNs takes it, the device cannot order it and ignores it.',
    when: (f) => isPush(f) && f.timestamp === 'missing',
    outcome: { fate: 'dropped', reason: 'aps.timestamp is missing; ActivityKit ignores a push it cannot order' },
    source: [`${LA}#payload`, `${LA}#timestamps`],
    unconfirmed: true,
  }),
  stageRule<LiveActivityFacts>({
    id: 'apns.liveactivity.start.not-start-event',
    stage: 'decide',
    channels: ['apns'],
    condition: 'A push to a push-to-start token whose aps.event is not start: it starts nothing.',
    when: (f) => toStartToken(f) && f.event !== 'start',
    outcome: { fate: 'dropped', reason: 'a push-to-start token only takes event "start"' },
    source: [`${LA}#push-to-start`],
    unconfirmed: true,
  }),
  stageRule<LiveActivityFacts>({
    id: 'apns.liveactivity.start.unknown-attributes-type',
    stage: 'decide',
    channels: ['apns'],
    condition:
      'A start push whose attributes-type is not the type the push-to-start token was issued for (or one the app does not declare): no activity starts.',
    when: (f) => toStartToken(f) && f.attributesTypeKnown !== true,
    outcome: { fate: 'dropped', reason: "attributes-type does not name the push-to-start token's attributes type" },
    source: [`${LA}#push-to-start`],
  }),
  stageRule<LiveActivityFacts>({
    id: 'apns.liveactivity.start.undecodable',
    stage: 'decide',
    channels: ['apns'],
    condition:
      "A start push whose attributes or content-state do not decode as the app's declared ActivityAttributes type: no activity starts.",
    when: (f) => toStartToken(f) && (f.attributesDecode !== true || f.contentStateDecodes !== true),
    outcome: { fate: 'dropped', reason: 'the attributes or content-state do not decode' },
    source: [`${LA}#push-to-start`, `${LA}#content-state-decoding`],
  }),
  stageRule<LiveActivityFacts>({
    id: 'apns.liveactivity.start.started',
    stage: 'decide',
    channels: ['apns'],
    condition:
      'A start push to a push-to-start token with a declared attributes-type, decoding attributes and content-state: the system starts the activity (shown with its alert), whether the app runs or not.',
    when: toStartToken,
    outcome: { fate: 'displayed', effect: 'a new activity starts, with a push token of its own or its channel' },
    source: [`${LA}#push-to-start`],
  }),
  stageRule<LiveActivityFacts>({
    id: 'apns.liveactivity.event.unknown',
    stage: 'decide',
    channels: ['apns'],
    condition:
      "A push to an activity's token whose aps.event is neither update nor end (start goes to a push-to-start token).",
    when: (f) => toActivity(f) && f.event !== 'update' && f.event !== 'end',
    outcome: { fate: 'dropped', reason: 'aps.event must be "update" or "end" for a running activity' },
    source: [`${LA}#payload`],
    unconfirmed: true,
  }),
  stageRule<LiveActivityFacts>({
    id: 'apns.liveactivity.activity.ended',
    stage: 'decide',
    channels: ['apns'],
    condition: 'A push to an activity that has ended: the system ignores updates to an ended Live Activity.',
    when: (f) => toActivity(f) && (f.state === 'ended' || f.state === 'dismissed'),
    outcome: { fate: 'dropped', reason: 'the Live Activity has ended; the system ignores its updates' },
    source: [`${LA}#tokens-of-ended-activities`],
  }),
  stageRule<LiveActivityFacts>({
    id: 'apns.liveactivity.timestamp.older',
    stage: 'decide',
    channels: ['apns'],
    condition: "A push whose aps.timestamp is older than the activity's last update: the system ignores it.",
    when: (f) => toActivity(f) && f.timestamp === 'older',
    outcome: { fate: 'dropped', reason: "aps.timestamp is older than the activity's last update" },
    source: [`${LA}#timestamps`],
  }),
  stageRule<LiveActivityFacts>({
    id: 'apns.liveactivity.timestamp.equal',
    stage: 'decide',
    channels: ['apns'],
    condition:
      "A push whose aps.timestamp equals the activity's last update's: pushsim ignores it as a repeat (Apple names only older ones).",
    when: (f) => toActivity(f) && f.timestamp === 'equal',
    outcome: { fate: 'dropped', reason: "aps.timestamp equals the activity's last update's" },
    source: [`${LA}#timestamps`],
    unconfirmed: true,
  }),
  stageRule<LiveActivityFacts>({
    id: 'apns.liveactivity.content-state.undecodable',
    stage: 'decide',
    channels: ['apns'],
    condition:
      "A push whose content-state does not decode as the activity's ContentState (a field missing or of another JSON type): the activity is not updated.",
    when: (f) => toActivity(f) && f.contentStateDecodes === false,
    outcome: { fate: 'dropped', reason: 'content-state does not decode as the ContentState' },
    source: [`${LA}#content-state-decoding`],
  }),
  stageRule<LiveActivityFacts>({
    id: 'apns.liveactivity.update.no-content-state',
    stage: 'decide',
    channels: ['apns'],
    condition: 'An update push without content-state: there is nothing to show, the activity keeps its content.',
    when: (f) => toActivity(f) && f.event === 'update' && f.hasContentState !== true,
    outcome: { fate: 'dropped', reason: 'an update needs aps.content-state' },
    source: [`${LA}#payload`],
    unconfirmed: true,
  }),
  stageRule<LiveActivityFacts>({
    id: 'apns.liveactivity.end.applied',
    stage: 'decide',
    channels: ['apns'],
    condition:
      'An end push: the activity ends with its final content-state and stays on the lock screen until its dismissal-date, at most 4 hours (a dismissal-date in the past removes it at once).',
    when: (f) => toActivity(f) && f.event === 'end',
    outcome: { fate: 'displayed', effect: 'ended; dismissed at dismissal-date or after 4 hours' },
    source: [`${LA}#ended-and-dismissed`],
  }),
  stageRule<LiveActivityFacts>({
    id: 'apns.liveactivity.update.applied',
    stage: 'decide',
    channels: ['apns'],
    condition:
      "An update push with a newer timestamp and a decoding content-state: the activity shows it (with the alert and its sound, if any), its stale-date and relevance-score replace the old ones; the app's own state does not matter.",
    when: (f) => toActivity(f) && f.event === 'update',
    outcome: { fate: 'displayed', effect: 'content state shown; a stale activity is active again' },
    source: [`${LA}#payload`, `${LA}#activities-and-their-states`],
  }),
  stageRule<LiveActivityFacts>({
    id: 'apns.liveactivity.app.start',
    stage: 'decide',
    channels: ['apns'],
    condition: 'The app calls Activity.request: the activity starts active (with a push token when pushType is token).',
    when: (f) => f.trigger === 'app' && f.event === 'start',
    outcome: { effect: 'a new active activity' },
    source: [`${LA}#activities-and-their-states`],
  }),
  stageRule<LiveActivityFacts>({
    id: 'apns.liveactivity.app.update',
    stage: 'decide',
    channels: ['apns'],
    condition:
      'The app calls activity.update(_:alertConfiguration:): the activity shows the new content state (with the alert, if one is configured); no push budget is drawn.',
    when: (f) => f.trigger === 'app' && f.event === 'update',
    outcome: { effect: 'content state shown' },
    source: [`${LA}#app-updates`, `${LA}#activities-and-their-states`],
  }),
  stageRule<LiveActivityFacts>({
    id: 'apns.liveactivity.app.end',
    stage: 'decide',
    channels: ['apns'],
    condition:
      'The app calls activity.end with a dismissal policy: default (up to 4 hours on the lock screen), immediate, or after a date (at most 4 hours).',
    when: (f) => f.trigger === 'app' && f.event === 'end',
    outcome: { effect: 'ended; dismissed by its policy' },
    source: [`${LA}#ended-and-dismissed`],
  }),
  stageRule<LiveActivityFacts>({
    id: 'apns.liveactivity.stale-date.passed',
    stage: 'decide',
    channels: ['apns'],
    condition: "The activity's stale date passes while it is active: it turns stale (it still takes updates).",
    when: (f) => f.trigger === 'stale-date',
    outcome: { effect: 'state stale' },
    source: [`${LA}#activities-and-their-states`],
  }),
  stageRule<LiveActivityFacts>({
    id: 'apns.liveactivity.eight-hours',
    stage: 'decide',
    channels: ['apns'],
    condition: 'An activity active for 8 hours: the system ends it; it stays on the lock screen up to 4 hours more.',
    when: (f) => f.trigger === 'eight-hours',
    outcome: { effect: 'ended by the system' },
    source: [`${LA}#ended-and-dismissed`],
  }),
  stageRule<LiveActivityFacts>({
    id: 'apns.liveactivity.dismissed',
    stage: 'decide',
    channels: ['apns'],
    condition:
      'An ended activity reaches its dismissal date (or 4 hours after it ended): the system removes it; its token no longer works.',
    when: (f) => f.trigger === 'dismissal',
    outcome: { effect: 'state dismissed' },
    source: [`${LA}#ended-and-dismissed`],
  }),
];

export const APNS_LIVE_ACTIVITY_RULES: ServiceRules = {
  accept: LIVE_ACTIVITY_ACCEPT_RULES,
  liveActivity: [...LIVE_ACTIVITY_THROTTLE_RULES, ...LIVE_ACTIVITY_DECIDE_RULES],
};
