// A service is one module: a toy "echo" service declared in this file, plugged into startSimulator() and the CLI's
// table next to the built-in ones, without a line changed elsewhere; and the built-in list drives what used to be
// written out per service (endpoints, URLs, flags, the redirect's targets, the CA's names, the scenario steps).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { X509Certificate } from 'node:crypto';
import { Router } from 'express';
import { z } from 'zod';
import { afterEach, describe, expect, test } from 'vitest';
import { startSimulator } from '../../simulator/index.js';
import { SERVICES, type ServiceModule, type ServiceInstance } from '../../simulator/providers/index.js';
import { SERVE_OPTIONS, resolveServeOptions, serveOptionsFor } from '../../simulator/cli/serve-options.js';
import { targetsFromEndpoints } from '../../simulator/redirect/index.js';
import { STEP_KINDS, stepSchemas } from '../../simulator/scenario/scenario-schema.js';
import type { Simulation } from '../../simulator/engine/index.js';

/** POST /echo/<token> with a JSON body hands that body to the simulation as a data push; answers with the push id. */
class EchoInstance implements ServiceInstance {
  private readonly server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk;
    });
    req.on('end', () => {
      const token = decodeURIComponent((req.url ?? '').replace(/^\/echo\//, ''));
      const { entry } = this.simulation.send({
        token,
        kind: 'data',
        provider: 'echo',
        payload: JSON.parse(body || '{}') as Record<string, unknown>,
      });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: entry.id }));
    });
  });
  received = 0;
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
  offlinePolicy: { collapse: 'newest', maxNonCollapsible: 1, maxCollapseKeys: 0, source: ['this test'] },
  rules: [],
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
  test('drives the serve table: the same flags and env names as before', () => {
    expect(SERVE_OPTIONS.map((o) => `${o.key} ${o.flag} ${o.env}`)).toEqual([
      'host --host <host> PUSHSIM_HOST',
      'controlPort --port <port> PUSHSIM_PORT',
      'apnsPort --apns-port <port> PUSHSIM_APNS_PORT',
      'apnsProductionPort --apns-production-port <port> PUSHSIM_APNS_PRODUCTION_PORT',
      'fcmPort --fcm-port <port> PUSHSIM_FCM_PORT',
      'hmsPort --hms-port <port> PUSHSIM_HMS_PORT',
      'apns.h2c --apns-h2c PUSHSIM_APNS_H2C',
      'apns.permissive --apns-permissive PUSHSIM_APNS_PERMISSIVE',
      'fcm.permissive --fcm-permissive PUSHSIM_FCM_PERMISSIVE',
      'stateDir --state-dir <dir> PUSHSIM_STATE_DIR',
      'faultSeed --fault-seed <n> PUSHSIM_FAULT_SEED',
      'virtualClock --virtual-clock PUSHSIM_VIRTUAL_CLOCK',
    ]);
  });

  test('drives the redirect targets and the names the server certificate covers', async () => {
    const sim = await start(startSimulator({ controlPort: 0 }));
    const targets = targetsFromEndpoints(sim.endpoints);
    const port = (url: string) => Number(new URL(url).port);
    expect(Object.fromEntries(Object.entries(targets).map(([host, t]) => [host, t.port]))).toEqual({
      'api.sandbox.push.apple.com': port(sim.urls.apns),
      'api.development.push.apple.com': port(sim.urls.apns),
      'api.push.apple.com': port(sim.urls.apnsProduction),
      'fcm.googleapis.com': port(sim.urls.fcm),
      'oauth2.googleapis.com': port(sim.urls.fcm),
      'iid.googleapis.com': port(sim.urls.fcm),
      'push-api.cloud.huawei.com': port(sim.urls.hms),
      'oauth-login.cloud.huawei.com': port(sim.urls.hms),
    });
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
