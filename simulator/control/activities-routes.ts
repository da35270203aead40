// REST resources for Live Activities: list and read them, start one from the app (what Activity.request does, for tests
// without the client shim), update one (activity.update) and end one (activity.end).
import { Router } from 'express';
import { parseInput } from '../core/index.js';
import type { Simulation } from '../engine/index.js';
import { EndActivityRequestSchema, StartActivityRequestSchema, UpdateActivityRequestSchema } from '../model/index.js';
import { activityView } from './views.js';

export function activitiesRoutes(sim: Simulation): Router {
  const router = Router();
  router.get('/activities', (req, res) => {
    const app = typeof req.query.app === 'string' ? req.query.app : undefined;
    const device = typeof req.query.device === 'string' ? req.query.device : undefined;
    if (app) sim.registry.requireApp(app);
    if (device) sim.registry.requireDevice(device);
    res.json(
      sim.liveActivities
        .list({ ...(app ? { appId: app } : {}), ...(device ? { deviceId: device } : {}) })
        .map(activityView),
    );
  });
  router.get('/activities/:id', (req, res) => {
    res.json(activityView(sim.liveActivities.require(req.params.id)));
  });
  router.post('/activities/:id/update', (req, res) => {
    const body = parseInput(UpdateActivityRequestSchema, req.body ?? {});
    const { staleDate, relevanceScore, alert, contentState } = body;
    const activity = sim.liveActivities.update(req.params.id, {
      contentState,
      ...(staleDate !== undefined ? { staleDate } : {}),
      ...(relevanceScore !== undefined ? { relevanceScore } : {}),
      ...(alert
        ? { alert: { title: alert.title, body: alert.body, ...(alert.sound ? { sound: alert.sound } : {}) } }
        : {}),
    });
    res.json(activityView(activity));
  });
  router.post('/activities/:id/end', (req, res) => {
    const body = parseInput(EndActivityRequestSchema, req.body ?? {});
    res.json(activityView(sim.liveActivities.end(req.params.id, body.contentState, body.dismissalPolicy)));
  });
  router.get('/apps/:id/activities', (req, res) => {
    sim.registry.requireApp(req.params.id);
    res.json(sim.liveActivities.list({ appId: req.params.id }).map(activityView));
  });
  router.post('/apps/:id/activities', (req, res) => {
    const body = parseInput(StartActivityRequestSchema, req.body);
    const { pushType, staleDate, relevanceScore, ...rest } = body;
    const activity = sim.liveActivities.request(req.params.id, {
      ...rest,
      pushType,
      ...(staleDate !== undefined ? { staleDate } : {}),
      ...(relevanceScore !== undefined ? { relevanceScore } : {}),
    });
    res.status(201).json(activityView(activity));
  });
  return router;
}
