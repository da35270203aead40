// Service-wide resources: health, the endpoint list, the rules table, lifecycle states, the clock and reset.
import { Router } from 'express';
import type { Simulation } from '../engine/index.js';
import { rulesTable } from '../delivery/index.js';
import { lifecycleEvents, lifecycleStates } from '../lifecycle/index.js';
import { parseInput } from './parse-input.js';
import { advanceClockSchema, chaosSchema } from './request-schemas.js';

export interface EndpointInfo {
  name: string;
  protocol: string;
  url: string;
  status: 'listening' | 'reserved';
  description: string;
  /** The public host names this endpoint stands in for (`api.push.apple.com`): what the redirect dials here. */
  hosts?: string[];
}

export function serviceRoutes(sim: Simulation, endpoints: () => EndpointInfo[], version: string): Router {
  const router = Router();
  router.get('/health', (_req, res) => {
    res.json({ status: 'ok', version, clock: sim.clock.kind, now: sim.clock.now(), devices: sim.registry.listDevices().length, apps: sim.registry.appCount, pushes: sim.ledger.size });
  });
  router.get('/endpoints', (_req, res) => { res.json(endpoints()); });
  router.get('/rules', (_req, res) => { res.json(rulesTable()); });
  router.get('/lifecycle', (_req, res) => {
    res.json({
      ios: { states: lifecycleStates('ios'), events: lifecycleEvents('ios') },
      android: { states: lifecycleStates('android'), events: lifecycleEvents('android') },
    });
  });
  router.get('/clock', (_req, res) => { res.json({ kind: sim.clock.kind, now: sim.clock.now(), iso: new Date(sim.clock.now()).toISOString(), pendingTimers: sim.clock.pendingTimers() }); });
  router.post('/clock/advance', async (req, res) => {
    const { by } = parseInput(advanceClockSchema, req.body);
    if (sim.clock.kind !== 'virtual') {
      res.status(409).json({ error: { code: 'CLOCK_NOT_VIRTUAL', message: 'the clock is real; start pushsim with --virtual-clock (or startSimulator({ clock: "virtual" })) to advance time', field: 'by' } });
      return;
    }
    const now = await sim.advance(by);
    res.json({ kind: sim.clock.kind, now, iso: new Date(now).toISOString(), pendingTimers: sim.clock.pendingTimers() });
  });
  router.get('/chaos', (_req, res) => { res.json(sim.router.chaosSettings); });
  router.put('/chaos', (req, res) => {
    const body = parseInput(chaosSchema, req.body);
    sim.router.configureChaos(body);
    res.json(sim.router.chaosSettings);
  });
  router.post('/reset', (_req, res) => { sim.reset(); res.json({ status: 'reset', now: sim.clock.now() }); });
  return router;
}
