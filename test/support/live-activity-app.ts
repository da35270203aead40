// A simulated iPhone app with a Live Activity type, driven through the client shim's ActivityKit, for the interop tests
// (test/interop/live-activity-*.test.ts).
import { AppProcess, type ActivityKit } from '../../client-shim/index.js';
import type { SimulatorHandle } from '../../simulator/index.js';

export const DELIVERY_BUNDLE = 'com.example.delivery';
export const DELIVERY_TOPIC = `${DELIVERY_BUNDLE}.push-type.liveactivity`;

export async function deliveryApp(sim: SimulatorHandle): Promise<{ app: AppProcess; kit: ActivityKit }> {
  const app = await AppProcess.start({
    simulator: sim.urls.control,
    device: { platform: 'ios' },
    app: {
      bundleId: DELIVERY_BUNDLE,
      sdkProfile: 'native-ios',
      liveActivities: {
        attributeTypes: {
          DeliveryAttributes: {
            attributes: { orderId: 'string' },
            contentState: { status: 'string', eta: 'integer' },
          },
        },
        frequentUpdates: false,
      },
    },
    main: () => {},
  });
  await app.launch();
  return { app, kit: app.activityKit };
}

/** The next value an ActivityKit sequence yields. */
export async function next<T>(updates: AsyncIterable<T>): Promise<T> {
  for await (const value of updates) return value;
  throw new Error('the sequence ended before it yielded');
}

/** The next `count` values an ActivityKit sequence yields. */
export async function nextValues<T>(updates: AsyncIterable<T>, count: number): Promise<T[]> {
  const seen: T[] = [];
  for await (const value of updates) {
    seen.push(value);
    if (seen.length === count) break;
  }
  return seen;
}
