// The lifecycle of an iOS app as UIKit and APNs see it, including the 30 s background-push budget. Sources:
// docs/reference/ios.md#app-states, docs/reference/ios.md#callbacks-by-app-state,
// docs/reference/ios.md#background-execution-time, docs/reference/ios.md#force-quit;
// developer.apple.com/documentation/uikit/managing-your-app-s-life-cycle;
// developer.apple.com/documentation/uikit/uiapplicationdelegate/application(_:didreceiveremotenotification:fetchcompletionhandler:)
import { setup } from 'xstate';

export interface IosAppContext {
  /** Clock time a woken app has to call its fetch completion handler ("up to 30 seconds of wall-clock time"). */
  backgroundBudgetMs: number;
  /** Clock time a user-backgrounded app keeps running before the system suspends it. */
  suspendAfterMs: number;
}

export type IosAppEvent =
  | { type: 'launch' }
  | { type: 'tapNotification' }
  | { type: 'resignActive' }
  | { type: 'becomeActive' }
  | { type: 'moveToBackground' }
  | { type: 'suspend' }
  | { type: 'terminateBySystem' }
  | { type: 'forceQuit' }
  | { type: 'reboot' }
  | { type: 'wakeForPush' }
  | { type: 'handlerCompleted' }
  | { type: 'budgetExpired' };

export const IOS_APP_EVENTS: readonly IosAppEvent['type'][] = [
  'launch',
  'tapNotification',
  'resignActive',
  'becomeActive',
  'moveToBackground',
  'suspend',
  'terminateBySystem',
  'forceQuit',
  'reboot',
  'wakeForPush',
  'handlerCompleted',
  'budgetExpired',
];

export const IOS_BACKGROUND_BUDGET_MS = 30_000;
export const IOS_SUSPEND_AFTER_MS = 10_000;

export const iosAppMachine = setup({
  types: {
    context: {} as IosAppContext,
    events: {} as IosAppEvent,
    input: {} as Partial<IosAppContext> | undefined,
  },
  delays: {
    backgroundBudget: ({ context }) => context.backgroundBudgetMs,
    suspendAfter: ({ context }) => context.suspendAfterMs,
  },
}).createMachine({
  id: 'ios',
  context: ({ input }) => ({
    backgroundBudgetMs: input?.backgroundBudgetMs ?? IOS_BACKGROUND_BUDGET_MS,
    suspendAfterMs: input?.suspendAfterMs ?? IOS_SUSPEND_AFTER_MS,
  }),
  initial: 'notRunning',
  on: {
    // The user must relaunch the app or restart the device: a reboot clears the force-quit block
    // (docs/reference/ios.md#force-quit).
    reboot: '.notRunning',
  },
  states: {
    notRunning: {
      description: 'Never launched, or terminated by the system; a background push launches it into the background.',
      on: {
        launch: 'active',
        tapNotification: 'active',
        wakeForPush: 'background.pushWake',
      },
    },
    active: {
      on: {
        resignActive: 'inactive',
        moveToBackground: 'background.running',
        forceQuit: 'forceQuit',
      },
    },
    inactive: {
      on: {
        becomeActive: 'active',
        launch: 'active',
        tapNotification: 'active',
        moveToBackground: 'background.running',
        forceQuit: 'forceQuit',
      },
    },
    background: {
      initial: 'running',
      on: {
        launch: 'active',
        tapNotification: 'active',
        forceQuit: 'forceQuit',
        terminateBySystem: 'notRunning',
        wakeForPush: '.pushWake',
      },
      states: {
        running: {
          description: 'Backgrounded by the user; suspended by the system after suspendAfter.',
          on: { suspend: '#ios.suspended' },
          after: { suspendAfter: '#ios.suspended' },
        },
        pushWake: {
          description:
            'Woken for a background push; must call the completion handler within the budget "or your app will be terminated".',
          on: {
            handlerCompleted: '#ios.suspended',
            budgetExpired: '#ios.notRunning',
          },
          after: { backgroundBudget: '#ios.notRunning' },
        },
      },
    },
    suspended: {
      description: 'In memory, not executing; a background push wakes it for the budget.',
      on: {
        launch: 'active',
        tapNotification: 'active',
        wakeForPush: 'background.pushWake',
        terminateBySystem: 'notRunning',
        forceQuit: 'forceQuit',
      },
    },
    forceQuit: {
      description:
        'Swiped away by the user: "The system does not automatically launch your app if the user has force-quit it".',
      on: {
        launch: 'active',
        tapNotification: 'active',
      },
    },
  },
});
