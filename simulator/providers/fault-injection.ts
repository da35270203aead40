// Error and fault injection for the wire providers: per token, per topic or project, or by seeded probability, a fault
// answers with any of the service's reasons, delays the answer, or drops the stream or the connection. A seed makes a
// chaotic run replayable.
import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { z } from 'zod';
import { ErrorCodes, SimulatorError, seededRandom, parseInput } from '../core/index.js';
import type { ControlRouteDoc, FaultCatalogue } from './service-module.js';

export interface FaultRule {
  id: string;
  /** The service module it applies to (`apns`, `fcm`...). */
  provider: string;
  /** Only pushes to this device token / registration token. */
  token?: string;
  /** APNs: only this apns-topic. */
  topic?: string;
  /** FCM: only this project. */
  project?: string;
  /** Chance (0–1) that a matching push meets the fault; 1 by default. */
  probability?: number;
  /** The service's own reason (ApnsReason) or error code (FcmErrorCode) to answer with. */
  reason?: string;
  /** Delay the answer by this many milliseconds of real time. */
  delayMs?: number;
  /** Reset the stream or close the whole connection instead of answering. */
  drop?: 'stream' | 'connection';
  /** How many times the rule may fire; unlimited when absent. */
  times?: number;
}

export interface FaultContext {
  token?: string;
  topic?: string;
  project?: string;
}

/** What changed in the fault list: a rule added, one removed, or a service's (or every) rule cleared. */
export type FaultChange = { added: FaultRule } | { removed: string } | { cleared: string | undefined };

export class FaultInjector {
  private rules: FaultRule[] = [];
  private readonly observers = new Set<(change: FaultChange) => void>();
  private random: () => number;
  private currentSeed: number;

  constructor(seed = 1) {
    this.currentSeed = seed;
    this.random = seededRandom(seed);
  }

  get seed(): number {
    return this.currentSeed;
  }

  /** Tells `observer` of every change to the list (startSimulator puts them on the bus); returns the unsubscribe. */
  observe(observer: (change: FaultChange) => void): () => void {
    this.observers.add(observer);
    return () => {
      this.observers.delete(observer);
    };
  }

  private tell(change: FaultChange): void {
    for (const observer of this.observers) observer(change);
  }
  reseed(seed: number): void {
    this.currentSeed = seed;
    this.random = seededRandom(seed);
  }

  add(
    rule: Omit<FaultRule, 'id'> & { id?: string },
    catalogue: Pick<FaultCatalogue, 'isReason' | 'reasonsPath'>,
  ): FaultRule {
    if (rule.reason !== undefined && !catalogue.isReason(rule.reason))
      throw new SimulatorError(
        ErrorCodes.UNKNOWN_REASON,
        `"${rule.reason}" is not a ${rule.provider.toUpperCase()} reason; GET ${catalogue.reasonsPath} lists them`,
        'reason',
      );
    if (rule.probability !== undefined && !(rule.probability >= 0 && rule.probability <= 1))
      throw new SimulatorError(ErrorCodes.INVALID_PROBABILITY, 'probability must be between 0 and 1', 'probability');
    if (rule.reason === undefined && rule.drop === undefined && rule.delayMs === undefined)
      throw new SimulatorError(ErrorCodes.EMPTY_FAULT, 'a fault needs a reason, a drop or a delayMs', 'reason');
    const stored: FaultRule = { ...rule, id: rule.id ?? randomUUID() };
    this.rules.push(stored);
    this.tell({ added: { ...stored } });
    return stored;
  }

  list(provider?: string): FaultRule[] {
    return this.rules.filter((r) => !provider || r.provider === provider);
  }
  remove(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.id !== id);
    const removed = this.rules.length < before;
    if (removed) this.tell({ removed: id });
    return removed;
  }
  clear(provider?: string): void {
    const before = this.rules.length;
    this.rules = provider ? this.rules.filter((r) => r.provider !== provider) : [];
    if (this.rules.length < before) this.tell({ cleared: provider });
  }

  /** Whether any rule is set (the push path asks before building a context to pick with). */
  get active(): boolean {
    return this.rules.length > 0;
  }

  /** The first rule that matches and fires for this push, if any; a fired rule with `times` is used up by one. */
  pick(provider: string, context: FaultContext): FaultRule | undefined {
    if (this.rules.length === 0) return undefined;
    for (const rule of this.rules) {
      if (rule.provider !== provider) continue;
      if (rule.token !== undefined && rule.token !== context.token) continue;
      if (rule.topic !== undefined && rule.topic !== context.topic) continue;
      if (rule.project !== undefined && rule.project !== context.project) continue;
      if (rule.times !== undefined && rule.times <= 0) continue;
      if (rule.probability !== undefined && this.random() >= rule.probability) continue;
      if (rule.times !== undefined) rule.times--;
      return rule;
    }
    return undefined;
  }
}

/** The body of POST /api/<service>/faults. */
export const faultSchema = z
  .object({
    token: z.string().min(1).optional(),
    topic: z.string().min(1).optional(),
    project: z.string().min(1).optional(),
    probability: z.number().min(0).max(1).optional(),
    reason: z.string().min(1).optional(),
    delayMs: z.number().int().min(0).max(60_000).optional(),
    drop: z.enum(['stream', 'connection']).optional(),
    times: z.number().int().positive().optional(),
    id: z.string().min(1).optional(),
  })
  .strict();

/** GET, POST and DELETE /api/<service>/faults (and DELETE …/faults/:id) for a service with a fault catalogue. */
export function faultRoutes(
  service: string,
  catalogue: FaultCatalogue,
  faults: FaultInjector,
  options: { removeOne?: boolean } = {},
): Router {
  const router = Router();
  router.get(`/${service}/faults`, (_req, res) => {
    res.json(faults.list(service));
  });
  router.post(`/${service}/faults`, (req, res) => {
    const body = parseInput(faultSchema, req.body);
    res.status(201).json(faults.add({ ...body, provider: service } as Parameters<FaultInjector['add']>[0], catalogue));
  });
  // FCM's route set has no DELETE of one fault (yet); the OpenAPI route list is checked against what is mounted.
  if (options.removeOne !== false) {
    router.delete(`/${service}/faults/:id`, (req, res) => {
      if (!faults.remove(req.params.id))
        throw new SimulatorError(ErrorCodes.FAULT_NOT_FOUND, `no fault ${req.params.id}`, 'id');
      res.status(204).end();
    });
  }
  router.delete(`/${service}/faults`, (_req, res) => {
    faults.clear(service);
    res.status(204).end();
  });
  return router;
}

/** The docs of the routes faultRoutes() serves, so every service documents them the same way. */
export function faultRouteDocs(
  service: string,
  title: string,
  post: { summary: string; example: Record<string, unknown> },
  options: { removeOne?: boolean } = {},
): ControlRouteDoc[] {
  const path = `/${service}/faults`;
  return [
    { method: 'get', path, summary: `The injected ${title} faults`, responses: { 200: 'a list of fault rules' } },
    {
      method: 'post',
      path,
      summary: post.summary,
      body: faultSchema,
      example: post.example,
      responses: { 201: 'the fault rule with its id' },
    },
    ...(options.removeOne === false
      ? []
      : [
          {
            method: 'delete' as const,
            path: `${path}/:id`,
            summary: `Remove one ${title} fault`,
            params: { id: 'the fault id' },
            responses: { 204: 'removed', 404: 'no such fault' },
          },
        ]),
    { method: 'delete', path, summary: `Remove every ${title} fault`, responses: { 204: 'removed' } },
  ];
}
