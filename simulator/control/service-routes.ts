// Service-wide resources: health, the endpoint list, the rules table, lifecycle states, the clock and reset.
import { Router } from 'express';
import type { Simulation } from '../engine/index.js';
import { rulesTable } from '../delivery/index.js';
import { lifecycleChart, type LifecycleChart } from '../lifecycle/index.js';
import { ErrorCodes, SimulatorError, errorCatalogue, parseInput } from '../core/index.js';
import type {
  ChaosModel,
  ClockModel,
  ClockTimersModel,
  EndpointInfo,
  EndpointModel,
  HealthModel,
  LifecycleModel,
} from '../model/index.js';
import { rulesTableView } from './views.js';
import {
  CLOCK_TIMERS_DEFAULT_LIMIT,
  advanceClockSchema,
  chaosSchema,
  clockTimersQuerySchema,
} from './request-schemas.js';

export type { EndpointInfo } from '../model/index.js';

export function serviceRoutes(sim: Simulation, endpoints: () => EndpointInfo[], version: string): Router {
  const router = Router();
  router.get('/health', (_req, res) => {
    const health: HealthModel = {
      status: 'ok',
      version,
      clock: sim.clock.kind,
      now: sim.clock.now(),
      devices: sim.registry.listDevices().length,
      apps: sim.registry.appCount,
      pushes: sim.ledger.size,
    };
    res.json(health);
  });
  router.get('/endpoints', (_req, res) => {
    res.json(endpoints().map(endpointView));
  });
  router.get('/errors', (_req, res) => {
    res.json(errorCatalogue());
  });
  router.get('/rules', (_req, res) => {
    res.json(rulesTableView(rulesTable(sim.rules)));
  });
  router.get('/lifecycle', (_req, res) => {
    const lifecycle: LifecycleModel = {
      ios: chartView(lifecycleChart('ios')),
      android: chartView(lifecycleChart('android')),
    };
    res.json(lifecycle);
  });
  router.get('/clock', (_req, res) => {
    res.json(clockView(sim, sim.clock.now()));
  });
  router.get('/clock/timers', (req, res) => {
    const { limit = CLOCK_TIMERS_DEFAULT_LIMIT } = parseInput(clockTimersQuerySchema, req.query, 'query');
    const now = sim.clock.now();
    const pending = sim.clock.listTimers();
    const timers: ClockTimersModel = {
      total: pending.length,
      timers: pending.slice(0, limit).map((t) => ({
        id: t.id,
        kind: t.kind,
        label: t.label,
        dueAt: new Date(t.dueAt).toISOString(),
        inMs: Math.max(0, t.dueAt - now),
        ...(t.appId !== undefined ? { appId: t.appId } : {}),
        ...(t.deviceId !== undefined ? { deviceId: t.deviceId } : {}),
        ...(t.pushId !== undefined ? { pushId: t.pushId } : {}),
      })),
    };
    res.json(timers);
  });
  router.post('/clock/advance', async (req, res) => {
    const { by } = parseInput(advanceClockSchema, req.body);
    if (sim.clock.kind !== 'virtual') {
      throw new SimulatorError(
        ErrorCodes.CLOCK_NOT_VIRTUAL,
        'the clock is real; start pushsim with --virtual-clock (or startSimulator({ clock: "virtual" })) to advance time',
        'by',
      );
    }
    const now = await sim.advance(by);
    res.json(clockView(sim, now));
  });
  router.get('/chaos', (_req, res) => {
    res.json(chaosView(sim));
  });
  router.put('/chaos', (req, res) => {
    const body = parseInput(chaosSchema, req.body);
    sim.router.configureChaos(body);
    res.json(chaosView(sim));
  });
  router.post('/reset', (_req, res) => {
    sim.reset();
    res.json({ status: 'reset', now: sim.clock.now() });
  });
  return router;
}

function clockView(sim: Simulation, now: number): ClockModel {
  return { kind: sim.clock.kind, now, iso: new Date(now).toISOString(), pendingTimers: sim.clock.pendingTimers() };
}

function chartView(chart: LifecycleChart): LifecycleModel['ios'] {
  return {
    states: [...chart.states],
    leaves: [...chart.leaves],
    initial: chart.initial,
    events: [...chart.events],
    transitions: chart.transitions.map((t) => ({
      from: t.from,
      event: t.event,
      to: t.to,
      ...(t.delay !== undefined ? { delay: t.delay } : {}),
      ...(t.delayMs !== undefined ? { delayMs: t.delayMs } : {}),
    })),
  };
}

function chaosView(sim: Simulation): ChaosModel {
  const { backgroundDropProbability, seed } = sim.router.chaosSettings;
  return { backgroundDropProbability, seed };
}

function endpointView(e: EndpointInfo): EndpointModel {
  return {
    name: e.name,
    protocol: e.protocol,
    url: e.url,
    status: e.status,
    description: e.description,
    ...(e.hosts ? { hosts: [...e.hosts] } : {}),
  };
}
