// A service is one module: a toy "echo" service declared in this file, plugged into startSimulator() and the CLI's
// table next to the built-in ones, without a line changed elsewhere, with its own rules-table row and its own route
// docs; and the built-in list drives what used to be written out per service (endpoints, URLs, flags, the redirect's
// targets, the CA's names, the scenario steps, the rules table, the control API's docs).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { X509Certificate } from 'node:crypto';
import { Router } from 'express';
import { z } from 'zod';
import { afterEach, describe, expect, test } from 'vitest';
import { startSimulator } from '../../simulator/index.js';
import { SERVICES, urlKey, type ServiceModule, type ServiceInstance } from '../../simulator/providers/index.js';
import { stageRule, type AcceptFacts } from '../../simulator/delivery/index.js';
import { SERVE_OPTIONS, resolveServeOptions, serveOptionsFor } from '../../simulator/cli/serve-options.js';
import { targetsFromEndpoints } from '../../simulator/redirect/index.js';
import { STEP_KINDS, stepSchemas } from '../../simulator/scenario/scenario-schema.js';
import type { Simulation } from '../../simulator/engine/index.js';
import type { Push } from '../../simulator/core/index.js';

/**
 * POST /echo/<token> with a JSON body hands that body to the simulation as a data push and answers with the push id;
 * a body with `"refuse": true` is refused on the wire (400), recorded by the accept stage under echo's own row.
 */
class EchoInstance implements ServiceInstance {
  private readonly server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk;
    });
    req.on('end', () => {
      const token = decodeURIComponent((req.url ?? '').replace(/^\/echo\//, ''));
      const payload = JSON.parse(body || '{}') as Record<string, unknown>;
      if (payload.refuse === true) {
        const push: Push = {
          id: `echo-refused-${++this.refused}`,
          provider: 'echo',
          token,
          kind: 'data',
          priority: 'normal',
          payload,
          acceptedAt: this.simulation.clock.now(),
        };
        // No ruleIds: the accept stage finds the row for provider `echo` and fate `rejected` in the composed table.
        this.simulation.record(push, { name: 'rejected', reason: 'EchoRefused' });
        res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ id: push.id }));
        return;
      }
      const { entry } = this.simulation.send({ token, kind: 'data', provider: 'echo', payload });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: entry.id }));
    });
  });
  received = 0;
  private refused = 0;
  constructor(
    private readonly simulation: Simulation,
    private readonly host: string,
    private readonly port: number,
  ) {}
  async start() {
    await new Promise<void>((resolve) => this.server.listen(this.port, this.host, resolve));
    const { port } = this.server.address() as AddressInfo;
    return [
      {
        name: 'echo',
        protocol: 'http',
        url: `http://${this.host}:${port}`,
        status: 'listening' as const,
        description: 'echo: POST /echo/<token>',
      },
    ];
  }
  async stop() {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
  routes() {
    const router = Router();
    router.get('/echo/stats', (_req, res) => {
      res.json({ received: this.received });
    });
    return router;
  }
  reset() {
    this.received = 0;
  }
}

const echoService = {
  name: 'echo',
  title: 'Echo',
  tokenKinds: [{ name: 'echo', isWantedBy: () => true, issue: () => `echo-${Math.random().toString(36).slice(2)}` }],
  endpoints: [
    {
      name: 'echo',
      portOption: 'echoPort',
      flag: '--echo-port',
      env: 'PUSHSIM_ECHO_PORT',
      defaultPort: 4899,
      description: 'echo endpoint port',
      publicHosts: ['push.echo.example'],
    },
  ],
  settings: [
    { key: 'loud', flag: '--echo-loud', env: 'PUSHSIM_ECHO_LOUD', description: 'echo louder', defaultValue: false },
  ],
  tlsHostNames: ['push.echo.example'],
  rules: {
    accept: [
      stageRule<AcceptFacts>({
        id: 'echo.wire.refused',
        stage: 'accept',
        condition: 'The echo service refused the request (a body with "refuse": true).',
        when: (f) => f.provider === 'echo' && f.fate === 'rejected',
        outcome: { fate: 'rejected', reason: 'EchoRefused' },
        source: ['test/integration/service-modules.test.ts'],
      }),
    ],
  },
  controlRoutes: {
    description: 'Echo: how many pushes it took',
    routes: [
      { method: 'get', path: '/echo/stats', summary: 'How many pushes echo took', responses: { 200: 'counts' } },
    ],
  },
  scenarioStep: {
    kind: 'echo',
    schema: z.object({ app: z.string() }).strict().describe('an echo'),
    run: async () => undefined,
  },
  create: (context) => new EchoInstance(context.simulation, context.host, context.ports.echo!),
} as const satisfies ServiceModule<'echo', { loud: boolean }, EchoInstance>;

const started: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const handle of started.splice(0)) await handle.close();
});
/** Starts a simulator that afterEach closes. */
async function start<H extends { close(): Promise<void> }>(handle: Promise<H>): Promise<H> {
  const h = await handle;
  started.push(h);
  return h;
}

describe('a service module declared outside the simulator', () => {
  test('is listed at /api/endpoints, has its URL and routes, issues its tokens, and its pushes reach the ledger', async () => {
    const echo = await start(
      startSimulator({ controlPort: 0, clock: 'virtual', services: [...SERVICES, echoService] }),
    );
    const endpoints = (await (await fetch(`${echo.urls.api}/endpoints`)).json()) as {
      name: string;
      url: string;
      hosts?: string[];
    }[];
    expect(endpoints.find((e) => e.name === 'echo')).toMatchObject({
      url: echo.urls.echo,
      hosts: ['push.echo.example'],
    });
    expect(await (await fetch(`${echo.urls.api}/echo/stats`)).json()).toEqual({ received: 0 });

    const device = echo.simulation.createDevice({ platform: 'android' });
    const app = echo.simulation.installApp({
      deviceId: device.id,
      bundleId: 'com.example.echo',
      sdkProfile: 'native-android',
      state: 'foreground',
    });
    const token = app.tokens!.echo!;
    expect(echo.registry.resolveToken(token)).toMatchObject({ kind: 'echo', app: { id: app.id } });

    const answer = (await (
      await fetch(`${echo.urls.echo}/echo/${token}`, {
        method: 'POST',
        body: JSON.stringify({ data: { hello: 'world' } }),
      })
    ).json()) as { id: string };
    expect(echo.ledger.get(answer.id)).toMatchObject({ provider: 'echo', appId: app.id });
    expect(echo.ledger.get(answer.id)!.fate.name).not.toBe('rejected');
  });

  test('brings its own rules row: GET /api/rules lists it, and a push it refuses names it on its ledger entry', async () => {
    const echo = await start(
      startSimulator({ controlPort: 0, clock: 'virtual', services: [...SERVICES, echoService] }),
    );
    const rules = (await (await fetch(`${echo.urls.api}/rules`)).json()) as {
      stages: { name: string; rules: { id: string; source: string[] }[] }[];
    };
    const accept = rules.stages.find((stage) => stage.name === 'accept')!.rules;
    expect(accept.find((row) => row.id === 'echo.wire.refused')).toMatchObject({
      source: ['test/integration/service-modules.test.ts'],
    });

    const device = echo.simulation.createDevice({ platform: 'android' });
    const token = echo.simulation.installApp({
      deviceId: device.id,
      bundleId: 'com.example.echo',
      sdkProfile: 'native-android',
    }).tokens!.echo!;
    const refused = await fetch(`${echo.urls.echo}/echo/${token}`, {
      method: 'POST',
      body: JSON.stringify({ refuse: true }),
    });
    expect(refused.status).toBe(400);
    const { id } = (await refused.json()) as { id: string };
    const entry = (await (await fetch(`${echo.urls.api}/pushes/${id}`)).json()) as {
      provider: string;
      fate: { name: string; ruleIds: string[] };
    };
    expect(entry).toMatchObject({ provider: 'echo', fate: { name: 'rejected', ruleIds: ['echo.wire.refused'] } });
    expect(echo.simulation.rules.knownIds.has('echo.wire.refused')).toBe(true);
  });

  test('a simulator without the module does not list its row', async () => {
    const sim = await start(startSimulator({ controlPort: 0, clock: 'virtual' }));
    expect(sim.simulation.rules.knownIds.has('echo.wire.refused')).toBe(false);
    // Each built-in module's rows are there.
    for (const { name, rules } of SERVICES as readonly ServiceModule[])
      for (const row of [...(rules.accept ?? []), ...(rules.store ?? []), ...(rules.channel ?? [])])
        expect(sim.simulation.rules.knownIds.has(row.id), `${name}: ${row.id}`).toBe(true);
  });

  test("documents its own control routes: GET /api/openapi.json has /api/echo/stats in the module's section", async () => {
    const echo = await start(
      startSimulator({ controlPort: 0, clock: 'virtual', services: [...SERVICES, echoService] }),
    );
    const doc = (await (await fetch(`${echo.urls.api}/openapi.json`)).json()) as {
      tags: { name: string; description: string }[];
      paths: Record<string, Record<string, { tags: string[]; summary: string }>>;
    };
    expect(doc.tags).toContainEqual({ name: 'echo', description: 'Echo: how many pushes it took' });
    expect(doc.paths['/api/echo/stats']?.get).toMatchObject({ tags: ['echo'], summary: 'How many pushes echo took' });
  });

  test('gets rows in the serve table: its port flag, env and setting, resolved into startSimulator() options', () => {
    const table = serveOptionsFor([...SERVICES, echoService]);
    expect(table.find((o) => o.key === 'echoPort')).toMatchObject({
      flag: '--echo-port <port>',
      env: 'PUSHSIM_ECHO_PORT',
    });
    expect(resolveServeOptions({ echoPort: '4999' }, { PUSHSIM_ECHO_LOUD: 'true' }, table)).toMatchObject({
      echoPort: 4999,
      echo: { loud: true },
    });
  });

  test('can be left off like a built-in one, and its pushes still have the simulator to go to', async () => {
    const sim = await start(startSimulator({ controlPort: 0, services: [...SERVICES, echoService], echo: false }));
    expect(sim.endpoints.map((e) => e.name)).not.toContain('echo');
    expect(sim.service('echo')).toBeUndefined();
  });
});

describe('the built-in services list', () => {
  test("drives the serve table: a port flag per endpoint and a flag per setting, in the services' order", () => {
    const rows = SERVE_OPTIONS.map((o) => `${o.key} ${o.flag} ${o.env}`);
    const ports = SERVICES.flatMap((s) => s.endpoints.map((e) => `${e.portOption} ${e.flag} <port> ${e.env}`));
    const settings = SERVICES.flatMap((s) =>
      s.settings.map((setting) => `${s.name}.${setting.key} ${setting.flag} ${setting.env}`),
    );
    const own = new Set([...ports, ...settings]);
    expect(rows.filter((row) => own.has(row))).toEqual([...ports, ...settings]);
    // The simulator's own flags are still there, spelled as before.
    expect(rows).toEqual(
      expect.arrayContaining([
        'host --host <host> PUSHSIM_HOST',
        'controlPort --port <port> PUSHSIM_PORT',
        'apnsPort --apns-port <port> PUSHSIM_APNS_PORT',
        'stateDir --state-dir <dir> PUSHSIM_STATE_DIR',
        'faultSeed --fault-seed <n> PUSHSIM_FAULT_SEED',
        'ledgerLimit --ledger-limit <n> PUSHSIM_LEDGER_LIMIT',
        'ledgerMaxAge --ledger-max-age <duration> PUSHSIM_LEDGER_MAX_AGE',
        'virtualClock --virtual-clock PUSHSIM_VIRTUAL_CLOCK',
      ]),
    );
  });

  test('drives the redirect targets and the names the server certificate covers', async () => {
    const sim = await start(startSimulator({ controlPort: 0 }));
    const targets = targetsFromEndpoints(sim.endpoints);
    const port = (url: string) => Number(new URL(url).port);
    const urls = sim.urls as unknown as Record<string, string>;
    expect(Object.fromEntries(Object.entries(targets).map(([host, t]) => [host, t.port]))).toEqual(
      Object.fromEntries(
        SERVICES.flatMap((s) => s.endpoints.flatMap((e) => e.publicHosts.map((h) => [h, port(urls[urlKey(e.name)]!)]))),
      ),
    );
    // The sandbox and production hosts go to their own ports.
    expect(targets['api.push.apple.com']?.port).toBe(port(sim.urls.apnsProduction));
    const served = await new Promise<string>((resolve, reject) => {
      import('node:tls').then((tls) => {
        const socket = tls.connect(
          { host: '127.0.0.1', port: port(sim.urls.fcm), servername: 'fcm.googleapis.com', ca: sim.caPem },
          () => {
            resolve(socket.getPeerX509Certificate()!.subjectAltName ?? '');
            socket.end();
          },
        );
        socket.on('error', reject);
      }, reject);
    });
    for (const host of SERVICES.flatMap((s) => s.tlsHostNames)) expect(served).toContain(`DNS:${host}`);
    expect(new X509Certificate(sim.caPem).ca).toBe(true);
  });

  test('drives the scenario steps: each service with a step adds its kind', () => {
    for (const service of SERVICES) expect(STEP_KINDS).toContain(service.scenarioStep.kind);
    expect(stepSchemas.apns).toBe(SERVICES[0].scenarioStep.schema);
  });

  test('GET /api/ca.pem answers with APNs off (the control plane serves it, not the APNs provider)', async () => {
    const sim = await start(startSimulator({ controlPort: 0, apns: false }));
    const response = await fetch(`${sim.urls.api}/ca.pem`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(sim.caPem);
    expect(sim.endpoints.map((e) => e.name)).toContain('ca');
  });

  test('two simulators in one process keep their own services', async () => {
    const a = await startSimulator({ controlPort: 0, clock: 'virtual' });
    const b = await startSimulator({ controlPort: 0, clock: 'virtual', fcm: false });
    try {
      a.apns!.keyring.mint();
      expect(b.apns!.keyring.list()).toEqual([]);
      expect(a.service('fcm')).toBeDefined();
      expect(b.service('fcm')).toBeUndefined();
      expect(b.urls.fcm).toBe('');
    } finally {
      await a.close();
      await b.close();
    }
  });
});
