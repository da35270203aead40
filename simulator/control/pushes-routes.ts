// The simulator-native send (POST /api/pushes) and the ledger: list pushes with filters, get one with its history, send
// one again.
import { Router } from 'express';
import {
  ErrorCodes,
  SimulatorError,
  type FateName,
  type ProviderName,
  type PushKind,
  type PushPriority,
} from '../core/index.js';
import { resendPush, type Simulation } from '../engine/index.js';
import type { ServiceModule } from '../providers/index.js';
import type { ResendModel } from '../model/index.js';
import { parseInput } from '../core/index.js';
import { pushQuerySchema, sendPushSchema } from './request-schemas.js';
import { entryView, sentPushView } from './views.js';

/** `services`: the modules whose answers a resend gives (each one's `resend`). */
export function pushesRoutes(sim: Simulation, services: readonly ServiceModule[]): Router {
  const router = Router();
  const resendOf = (provider: string) => services.find((service) => service.name === provider)?.resend;
  router.post('/pushes', (req, res) => {
    const body = parseInput(sendPushSchema, req.body);
    const address = sim.registry.resolveToken(body.token);
    if (!address) {
      const gone = sim.registry.uninstalledToken(body.token);
      throw gone
        ? new SimulatorError(
            ErrorCodes.TOKEN_UNREGISTERED,
            `the app that owned this token (${gone.bundleId}) was uninstalled at ${new Date(gone.uninstalledAt).toISOString()}; stop sending to it`,
            'token',
          )
        : new SimulatorError(
            ErrorCodes.UNKNOWN_TOKEN,
            'no installed app owns this token; install and register an app (POST /api/devices/:id/apps) and use one of its tokens',
            'token',
          );
    }
    const { entry, outcome } = sim.send({
      ...body,
      kind: body.kind as PushKind,
      ...(body.priority ? { priority: body.priority as PushPriority } : {}),
    } as Parameters<Simulation['send']>[0]);
    res.status(201).location(`/api/pushes/${entry.id}`).json(sentPushView(entry, outcome));
  });
  // Newest first, so `?limit=20` shows the last 20 pushes; the body stays a plain list and the next page is in the
  // headers (`Link: <…&before=N>; rel="next"`, RFC 8288, as GitHub's API pages; and `Pushsim-Next-Cursor: N`).
  router.get('/pushes', (req, res) => {
    const q = parseInput(pushQuerySchema, req.query, 'query');
    const { entries, next } = sim.ledger.page({
      ...(q.device ? { deviceId: q.device } : {}),
      ...(q.app ? { appId: q.app } : {}),
      ...(q.provider ? { provider: q.provider as ProviderName } : {}),
      ...(q.fate ? { fate: q.fate as FateName } : {}),
      ...(q.token ? { token: q.token } : {}),
      ...(q.limit ? { limit: q.limit } : {}),
      ...(q.before !== undefined ? { before: q.before } : {}),
    });
    if (next !== undefined) {
      const params = new URLSearchParams(
        Object.entries(req.query).filter(([key, value]) => key !== 'before' && typeof value === 'string') as [
          string,
          string,
        ][],
      );
      params.set('before', String(next));
      res.set('Pushsim-Next-Cursor', String(next));
      res.set('Link', `<${req.baseUrl}${req.path}?${params}>; rel="next"`);
    }
    res.json(entries.map(entryView));
  });
  router.get('/pushes/:id', (req, res) => {
    const entry = sim.ledger.get(req.params.id);
    if (!entry)
      throw new SimulatorError(
        ErrorCodes.PUSH_NOT_FOUND,
        `no push "${req.params.id}" in the ledger; list pushes with GET /api/pushes`,
        'id',
      );
    res.json(entryView(entry));
  });
  router.post('/pushes/:id/resend', (req, res) => {
    const result = resendPush(sim, req.params.id, resendOf);
    const answer: ResendModel = {
      resentFrom: result.resentFrom,
      ...(result.pushId !== undefined ? { pushId: result.pushId } : {}),
      status: result.status,
      answer: result.answer,
    };
    res.json(answer);
  });
  return router;
}
