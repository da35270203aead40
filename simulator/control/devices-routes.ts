// REST resources for simulated devices: create, list, get, change conditions, reboot, remove.
import { Router } from 'express';
import type { Simulation } from '../engine/index.js';
import { parseInput } from '../core/index.js';
import { conditionsSchema, createDeviceSchema, installAppSchema } from './request-schemas.js';
import { appView, deviceView } from './views.js';
import { installApp } from './apps-routes.js';

export function devicesRoutes(sim: Simulation): Router {
  const router = Router();
  router.post('/devices', (req, res) => {
    const body = parseInput(createDeviceSchema, req.body);
    const device = sim.createDevice(body as Parameters<Simulation['createDevice']>[0]);
    res.status(201).location(`/api/devices/${device.id}`).json(deviceView(sim, device));
  });
  router.get('/devices', (_req, res) => {
    res.json(sim.registry.listDevices().map((d) => deviceView(sim, d)));
  });
  router.get('/devices/:id', (req, res) => {
    res.json(deviceView(sim, sim.registry.requireDevice(req.params.id)));
  });
  router.patch('/devices/:id/conditions', (req, res) => {
    const changed = parseInput(conditionsSchema, req.body);
    res.json(deviceView(sim, sim.registry.setConditions(req.params.id, changed)));
  });
  router.post('/devices/:id/reboot', (req, res) => {
    sim.registry.requireDevice(req.params.id);
    sim.lifecycle.reboot(req.params.id);
    res.json(deviceView(sim, sim.registry.requireDevice(req.params.id)));
  });
  router.delete('/devices/:id', (req, res) => {
    sim.removeDevice(req.params.id);
    res.status(204).end();
  });
  router.post('/devices/:id/apps', (req, res) => {
    const body = parseInput(installAppSchema, req.body);
    const app = installApp(sim, req.params.id, body);
    res.status(201).location(`/api/apps/${app.id}`).json(appView(sim, app));
  });
  router.get('/devices/:id/apps', (req, res) => {
    sim.registry.requireDevice(req.params.id);
    res.json(sim.registry.listApps(req.params.id).map((a) => appView(sim, a)));
  });
  return router;
}
