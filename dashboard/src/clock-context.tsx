// The simulator's clock as every view sees it: a virtual clock's time moves only when advanced (clock.advanced on the
// feed); a real one is extrapolated from the last reading, so countdowns tick without polling.
import { createContext, type ComponentChildren } from 'preact';
import { useContext } from 'preact/hooks';
import { type ClockModel, get } from './api.js';
import { useResource, useTick } from './hooks.js';

export interface ClockView {
  kind: 'real' | 'virtual' | undefined;
  /** The simulator's time now, in ms since the epoch. */
  now: () => number;
  reload: () => Promise<void>;
}

const ClockContext = createContext<ClockView>({ kind: undefined, now: () => Date.now(), reload: async () => {} });

export function ClockProvider({ children }: { children: ComponentChildren }) {
  const clock = useResource(
    async () => ({ reading: await get<ClockModel>('/clock'), readAt: Date.now() }),
    [],
    ['clock.advanced'],
  );
  const reading = clock.data?.reading;
  useTick(reading?.kind === 'real' ? 1000 : undefined);
  const value: ClockView = {
    kind: reading?.kind,
    now: () =>
      reading === undefined
        ? Date.now()
        : reading.kind === 'virtual'
          ? reading.now
          : reading.now + (Date.now() - clock.data!.readAt),
    reload: clock.reload,
  };
  return <ClockContext.Provider value={value}>{children}</ClockContext.Provider>;
}

export function useClock(): ClockView {
  return useContext(ClockContext);
}

/** `12:00:05.250` in UTC: the simulator's times are clock ms, shown as a wall clock would. */
export function clockTime(ms: number): string {
  return new Date(ms).toISOString().slice(11, 23);
}
