// The lifecycle of an Android app process as FCM and ZPNs see it.
// Sources: docs/reference/android.md#force-stop (FLAG_EXCLUDE_STOPPED_PACKAGES), docs/reference/android.md#headless-js,
// docs/reference/zpns.md#background-message-handler (headless task).
import { setup } from 'xstate';

export type AndroidAppEvent =
  | { type: 'launch' }
  | { type: 'tapNotification' }
  | { type: 'moveToBackground' }
  | { type: 'kill' }
  | { type: 'forceStop' }
  | { type: 'reboot' }
  | { type: 'wakeForPush' };

export const ANDROID_APP_EVENTS: readonly AndroidAppEvent['type'][] = [
  'launch',
  'tapNotification',
  'moveToBackground',
  'kill',
  'forceStop',
  'reboot',
  'wakeForPush',
];

export const androidAppMachine = setup({
  types: {
    context: {} as Record<string, never>,
    events: {} as AndroidAppEvent,
  },
}).createMachine({
  id: 'android',
  context: {},
  initial: 'killed',
  states: {
    foreground: {
      description:
        'Process in front (IMPORTANCE_FOREGROUND); with the screen unlocked, FCM and ZPNs call the app directly.',
      on: {
        moveToBackground: 'background.ui',
        kill: 'killed',
        forceStop: 'forceStopped',
        reboot: 'killed',
      },
    },
    background: {
      description: 'Process alive but not in front (a locked screen counts as background too).',
      initial: 'ui',
      on: {
        launch: 'foreground',
        tapNotification: 'foreground',
        kill: 'killed',
        forceStop: 'forceStopped',
        reboot: 'killed',
      },
      states: {
        ui: { description: 'The UI was started and the user left it.' },
        headless: {
          description: 'Started by a push broadcast: the entry file ran, no component is mounted (Headless JS).',
        },
      },
    },
    killed: {
      description: 'Swiped from recents or reclaimed: no process, but broadcasts still start one.',
      on: {
        launch: 'foreground',
        tapNotification: 'foreground',
        wakeForPush: 'background.headless',
      },
    },
    forceStopped: {
      description:
        'Force-stopped from settings: FLAG_EXCLUDE_STOPPED_PACKAGES keeps every broadcast out until the user launches it.',
      // The stopped state is persisted by the package manager, so a reboot keeps it.
      on: { launch: 'foreground' },
    },
  },
});
