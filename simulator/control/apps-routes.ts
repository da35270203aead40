// REST resources for installed apps: install (one, or a batch), list, get, register (issue tokens), lifecycle events,
// state, completion, uninstall.
import { Router } from 'express';
import { z } from 'zod';
import { parseDuration, type SdkProfile } from '../core/index.js';
import type { Simulation } from '../engine/index.js';
import { parseInput } from '../core/index.js';
import {
  completeHandlerSchema,
  createDeviceSchema,
  installAppSchema,
  lifecycleEventSchema,
  setStateSchema,
  tapSchema,
} from './request-schemas.js';
import type { AppStateChangeModel, AppTapModel, AppTransitionModel, RegistrationModel } from '../model/index.js';
import { appView } from './views.js';

/** Most apps one POST /api/apps/batch installs (a load test installs more in several; JSON bodies stop at 1 MB). */
export const MAX_BATCH_APPS = 10_000;

/**
 * POST /api/apps/batch: apps to install at once, each on a device that exists (`deviceId`) or on a new one (`device`,
 * POST /api/devices's body).
 */
export const installAppsSchema = z
  .object({
    apps: z
      .array(
        installAppSchema
          .extend({
            deviceId: z.string().min(1).optional().describe('the device to install on'),
            device: createDeviceSchema.optional().describe('a new device to create for this app'),
          })
          .refine((entry) => (entry.deviceId === undefined) !== (entry.device === undefined), {
            message: 'give either deviceId (a device that exists) or device (a new one to create), not both',
          }),
      )
      .min(1)
      .max(MAX_BATCH_APPS, `install at most ${MAX_BATCH_APPS} apps per request; send the rest in another`),
  })
  .strict();

/** The control API's install fields as Simulation's: durations in ms, `never` as -1. */
function installInput(body: z.infer<typeof installAppSchema>) {
  const { suspendAfter, handlerTime, sdkProfile, ...rest } = body;
  return {
    ...rest,
    sdkProfile: sdkProfile as SdkProfile,
    ...(suspendAfter !== undefined ? { suspendAfterMs: parseDuration(suspendAfter) } : {}),
    ...(handlerTime !== undefined ? { handlerTimeMs: handlerTime === 'never' ? -1 : parseDuration(handlerTime) } : {}),
  };
}

export function installApp(sim: Simulation, deviceId: string, body: z.infer<typeof installAppSchema>) {
  return sim.installApp({ ...installInput(body), deviceId } as Parameters<Simulation['installApp']>[0]);
}

export function appsRoutes(sim: Simulation): Router {
  const router = Router();
  router.get('/apps', (req, res) => {
    const device = typeof req.query.device === 'string' ? req.query.device : undefined;
    if (device) sim.registry.requireDevice(device);
    res.json(sim.registry.listApps(device).map((a) => appView(sim, a)));
  });
  router.post('/apps/batch', (req, res) => {
    const { apps } = parseInput(installAppsSchema, req.body);
    const installed = sim.installApps(
      apps.map(({ deviceId, device, ...body }) => ({
        ...installInput(body),
        ...(deviceId !== undefined ? { deviceId } : {}),
        ...(device !== undefined ? { device } : {}),
      })) as Parameters<Simulation['installApps']>[0],
    );
    res.status(201).json(installed.map((app) => appView(sim, app)));
  });
  router.get('/apps/:id', (req, res) => {
    res.json(appView(sim, sim.registry.requireApp(req.params.id)));
  });
  router.post('/apps/:id/register', (req, res) => {
    const tokens = sim.registry.register(req.params.id);
    const errors = sim.registry.requireApp(req.params.id).registrationErrors;
    const answer: RegistrationModel = {
      appId: req.params.id,
      tokens: Object.fromEntries(Object.entries(tokens).filter((e): e is [string, string] => e[1] !== undefined)),
      ...(errors ? { errors: { ...errors } } : {}),
    };
    res.json(answer);
  });
  router.post('/apps/:id/lifecycle', (req, res) => {
    const { event } = parseInput(lifecycleEventSchema, req.body);
    const step = sim.lifecycle.request(req.params.id, event);
    const answer: AppTransitionModel = {
      ...appView(sim, sim.registry.requireApp(req.params.id)),
      transition: { event, from: step.from, to: step.to, changed: step.to !== step.from },
    };
    res.json(answer);
  });
  router.put('/apps/:id/state', (req, res) => {
    const { state } = parseInput(setStateSchema, req.body);
    const events = sim.lifecycle.goTo(req.params.id, state);
    const answer: AppStateChangeModel = { ...appView(sim, sim.registry.requireApp(req.params.id)), events };
    res.json(answer);
  });
  router.post('/apps/:id/complete', (req, res) => {
    const body = parseInput(completeHandlerSchema, req.body);
    sim.registry.requireApp(req.params.id);
    sim.router.complete(
      req.params.id,
      body.error !== undefined
        ? { pushId: body.pushId, error: body.error, ...(body.result ? { result: body.result } : {}) }
        : { pushId: body.pushId, ...(body.result ? { result: body.result } : {}) },
    );
    res.json(appView(sim, sim.registry.requireApp(req.params.id)));
  });
  router.post('/apps/:id/tap', (req, res) => {
    const { pushId } = parseInput(tapSchema, req.body);
    const stateBefore = sim.tap(req.params.id, pushId);
    const answer: AppTapModel = {
      ...appView(sim, sim.registry.requireApp(req.params.id)),
      tapped: pushId,
      stateBefore,
    };
    res.json(answer);
  });
  router.delete('/apps/:id', (req, res) => {
    sim.uninstallApp(req.params.id);
    res.status(204).end();
  });
  return router;
}
