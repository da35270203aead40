// issue 13, items 4, 6, 7 and 9: no web page can drive the control plane, a ws upgrade always gets an answer, the feed
// never buffers without bound, and durations beyond Node's timers are refused. Each test fails on the code before.
import { connect } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import { WebSocket } from 'ws';
import { startSimulator, type SimulatorHandle } from '../../simulator/index.js';
import { ShimConnection } from '../../client-shim/shim-connection.js';
import { SHIM_PROTOCOL_VERSION } from '../../simulator/shim-protocol/index.js';

let sim: SimulatorHandle | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const json = { 'content-type': 'application/json' };

/** The raw answer to an HTTP/1.1 request written by hand (to send any Host or Upgrade header). */
function rawRequest(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer and the socket still open after 2 s; so far: ${answer}`));
    }, 2000);
    socket.on('data', (chunk) => {
      answer += chunk.toString();
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(answer);
    });
    socket.on('error', reject);
    socket.write(text);
  });
}

function wsOpen(url: string, options: ConstructorParameters<typeof WebSocket>[2] = {}): Promise<number | 'open'> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options);
    ws.once('open', () => {
      ws.close();
      resolve('open');
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('error', reject);
  });
}

describe('cross-origin browser requests (item 9)', () => {
  test('refuses a POST from a web page of another origin, and answers the same origin and Node clients', async () => {
    sim = await startSimulator({ controlPort: 0, clock: 'virtual' });
    const evil = await fetch(`${sim.urls.api}/reset`, { method: 'POST', headers: { origin: 'https://evil.example' } });
    expect(evil.status).toBe(403);
    expect(((await evil.json()) as { error: { code: string } }).error.code).toBe('FORBIDDEN_ORIGIN');
    const own = new URL(sim.urls.control).host;
    const same = await fetch(`${sim.urls.api}/devices`, {
      method: 'POST',
      headers: { ...json, origin: `http://${own}` },
      body: JSON.stringify({ platform: 'ios' }),
    });
    expect(same.status).toBe(201);
    expect((await fetch(`${sim.urls.api}/devices`)).status).toBe(200);
  });

  test('refuses a Host that is not a name of this machine (DNS rebinding)', async () => {
    sim = await startSimulator({ controlPort: 0, clock: 'virtual' });
    const port = Number(new URL(sim.urls.control).port);
    const answer = await rawRequest(
      port,
      'GET /api/devices HTTP/1.1\r\nhost: attacker.example\r\nconnection: close\r\n\r\n',
    );
    expect(answer).toMatch(/^HTTP\/1.1 403/);
    expect(answer).toContain('FORBIDDEN_ORIGIN');
  });

  test('does not read a text/plain body a browser form sent as JSON', async () => {
    sim = await startSimulator({ controlPort: 0, clock: 'virtual' });
    const own = new URL(sim.urls.control).host;
    const answer = await fetch(`${sim.urls.api}/devices`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', origin: `http://${own}`, 'sec-fetch-site': 'same-origin' },
      body: JSON.stringify({ platform: 'ios' }),
    });
    expect(answer.status).toBe(415);
    expect(((await answer.json()) as { error: { code: string } }).error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(((await (await fetch(`${sim.urls.api}/devices`)).json()) as unknown[]).length).toBe(0);
  });

  test('sends no CORS headers unless an origin is configured', async () => {
    sim = await startSimulator({ controlPort: 0, clock: 'virtual', corsOrigins: ['http://app.test'] });
    const allowed = await fetch(`${sim.urls.api}/health`, { headers: { origin: 'http://app.test' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://app.test');
    const other = await fetch(`${sim.urls.api}/health`, { headers: { origin: 'http://other.test' } });
    expect(other.status).toBe(403);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  test('both ws endpoints refuse a foreign Origin', async () => {
    sim = await startSimulator({ controlPort: 0, clock: 'virtual' });
    expect(await wsOpen(sim.urls.events, { origin: 'https://evil.example' })).toBe(403);
    expect(await wsOpen(sim.urls.shim, { origin: 'https://evil.example' })).toBe(403);
    expect(await wsOpen(sim.urls.events)).toBe('open');
  });
});

describe('the access token (item 9)', () => {
  test('every REST and ws call must carry it, as a bearer header or ?token= on ws', async () => {
    sim = await startSimulator({ controlPort: 0, clock: 'virtual', token: 's3cret' });
    const without = await fetch(`${sim.urls.api}/devices`);
    expect(without.status).toBe(401);
    expect(((await without.json()) as { error: { code: string } }).error.code).toBe('UNAUTHORIZED');
    expect((await fetch(`${sim.urls.api}/devices`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    expect((await fetch(`${sim.urls.api}/devices`, { headers: { authorization: 'Bearer s3cret' } })).status).toBe(200);
    expect(await wsOpen(sim.urls.events)).toBe(401);
    expect(await wsOpen(`${sim.urls.events}?token=s3cret`)).toBe('open');
    expect(await wsOpen(sim.urls.shim)).toBe(401);
  });

  test('the client shim passes it', async () => {
    sim = await startSimulator({ controlPort: 0, clock: 'virtual', token: 's3cret' });
    const hello = {
      device: { platform: 'ios' as const },
      app: { bundleId: 'com.example.t', sdkProfile: 'native-ios' as const },
    };
    await expect(ShimConnection.connect(sim.urls.shim, hello, undefined)).rejects.toThrow(/401/);
    const shim = await ShimConnection.connect(sim.urls.shim, hello, 's3cret');
    expect(shim.welcome.bundleId).toBe('com.example.t');
    await shim.close();
  });

  test('no other spelling of an API path gets past it (letter case, doubled slash, encoded slash, dot segment)', async () => {
    sim = await startSimulator({ controlPort: 0, clock: 'virtual', token: 's3cret' });
    const port = Number(new URL(sim.urls.control).port);
    const get = (path: string, extra = ''): Promise<string> =>
      rawRequest(port, `GET ${path} HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\n${extra}connection: close\r\n\r\n`);
    for (const path of [
      '/API/devices',
      '/Api/health',
      '//api/devices',
      '/api%2Fdevices',
      '/./api/devices',
      '/assets/../api/devices',
      '/pushes/..%2F..%2Fapi%2Fdevices',
      `http://127.0.0.1:${port}/api/devices`,
    ]) {
      const answer = await get(path);
      expect(answer, path).toMatch(/^HTTP\/1.1 401/);
      expect(answer, path).toContain('UNAUTHORIZED');
    }
    // Only one spelling names the API: with the token, the upper-case one is no route at all.
    expect(await get('/API/devices', 'authorization: Bearer s3cret\r\n')).toMatch(/^HTTP\/1.1 404/);
    expect(await get('/api/devices', 'authorization: Bearer s3cret\r\n')).toMatch(/^HTTP\/1.1 200/);
    // A write to a page path needs it too: only a GET of the page's own paths goes without.
    expect(
      await rawRequest(
        port,
        `POST /pushes HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n`,
      ),
    ).toMatch(/^HTTP\/1.1 401/);
  });

  test('a non-loopback host needs a token or insecurePublic, and says why', async () => {
    await expect(startSimulator({ controlPort: 0, host: '0.0.0.0' })).rejects.toThrow(/--token .*--insecure-public/);
  });
});

describe('shim takeover and foreign pushes (item 9)', () => {
  const hello = (extra: Record<string, unknown> = {}) =>
    JSON.stringify({
      type: 'hello',
      protocol: SHIM_PROTOCOL_VERSION,
      device: { id: 'phone-1', platform: 'ios' },
      app: { bundleId: 'com.example.a', sdkProfile: 'native-ios' },
      ...extra,
    });

  function open(url: string): Promise<WebSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.once('open', () => resolve(ws));
      ws.once('error', reject);
    });
  }
  const next = (ws: WebSocket): Promise<Record<string, unknown>> =>
    new Promise((resolve) =>
      ws.once('message', (raw) => resolve(JSON.parse(raw.toString()) as Record<string, unknown>)),
    );

  test('a second connection cannot claim a held app without the takeover secret the first was given', async () => {
    sim = await startSimulator({ controlPort: 0, clock: 'virtual' });
    const first = await open(sim.urls.shim);
    first.send(hello());
    const welcome = await next(first);
    expect(welcome.type).toBe('welcome');
    expect(typeof welcome.takeoverSecret).toBe('string');

    const thief = await open(sim.urls.shim);
    thief.send(hello());
    expect(await next(thief)).toMatchObject({ type: 'error', code: 'TAKEOVER_REFUSED' });
    thief.send(JSON.stringify({ type: 'hello', protocol: SHIM_PROTOCOL_VERSION, appId: welcome.appId }));
    expect(await next(thief)).toMatchObject({ type: 'error', code: 'TAKEOVER_REFUSED' });

    const closed = new Promise<number>((resolve) => first.once('close', (code) => resolve(code)));
    const heir = await open(sim.urls.shim);
    heir.send(
      JSON.stringify({
        type: 'hello',
        protocol: SHIM_PROTOCOL_VERSION,
        appId: welcome.appId,
        takeoverSecret: welcome.takeoverSecret,
      }),
    );
    expect((await next(heir)).type).toBe('welcome');
    expect(await closed).toBe(4001);
    thief.close();
    heir.close();
  });

  test("a shim cannot complete, ack or tap another app's push", async () => {
    sim = await startSimulator({ controlPort: 0, clock: 'virtual' });
    const device = sim.simulation.createDevice({ platform: 'ios' });
    const victim = sim.simulation.installApp({
      deviceId: device.id,
      bundleId: 'com.example.v',
      sdkProfile: 'native-ios',
    });
    const sent = await fetch(`${sim.urls.api}/pushes`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ token: victim.tokens!.apns, kind: 'alert', payload: { aps: { alert: 'x' } } }),
    });
    const { id } = (await sent.json()) as { id: string };
    const ws = await open(sim.urls.shim);
    ws.send(hello());
    await next(ws);
    ws.send(JSON.stringify({ type: 'complete', pushId: id, result: 'newData' }));
    expect(await next(ws)).toMatchObject({ type: 'error', code: 'NOT_YOUR_PUSH', field: 'pushId' });
    ws.send(JSON.stringify({ type: 'tap', requestId: '1', pushId: id }));
    expect(await next(ws)).toMatchObject({ type: 'reply', ok: false, error: { code: 'NOT_YOUR_PUSH' } });
    ws.close();
  });
});

describe('hangs and unbounded resources (items 4, 6, 7)', () => {
  test('a websocket upgrade to an unknown path is answered 404 and closed', async () => {
    sim = await startSimulator({ controlPort: 0, clock: 'virtual' });
    const port = Number(new URL(sim.urls.control).port);
    const answer = await rawRequest(
      port,
      'GET /api/nope HTTP/1.1\r\nhost: 127.0.0.1\r\nupgrade: websocket\r\nconnection: Upgrade\r\nsec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\nsec-websocket-version: 13\r\n\r\n',
    );
    expect(answer).toMatch(/^HTTP\/1.1 404/);
  });

  test('the event feed refuses a client frame larger than its maxPayload', async () => {
    sim = await startSimulator({ controlPort: 0, clock: 'virtual' });
    const ws = new WebSocket(sim.urls.events);
    await new Promise((resolve) => ws.once('open', resolve));
    const code = new Promise<number>((resolve) => ws.once('close', (c) => resolve(c)));
    ws.send(Buffer.alloc(1024 * 1024));
    expect(await code).toBe(1009);
  });

  test('drops a feed subscriber that stops reading, with a close reason', async () => {
    sim = await startSimulator({ controlPort: 0, clock: 'virtual' });
    const ws = new WebSocket(sim.urls.events);
    await new Promise((resolve) => ws.once('message', resolve));
    (ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const device = sim.simulation.createDevice({ platform: 'ios' });
    const app = sim.simulation.installApp({
      deviceId: device.id,
      bundleId: 'com.example.slow',
      sdkProfile: 'native-ios',
    });
    const big = 'x'.repeat(3000);
    for (let i = 0; i < 3000; i++)
      sim.simulation.send({ token: app.tokens!.apns!, kind: 'alert', payload: { aps: { alert: big } } });
    (ws as unknown as { _socket: { resume(): void } })._socket.resume();
    const closed = await new Promise<{ code: number; reason: string }>((resolve) =>
      ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    expect(closed.code).toBe(1008);
    expect(closed.reason).toMatch(/dropped/);
  }, 20_000);

  test.each([
    [{ suspendAfter: 1e308 }, 'suspendAfter'],
    [{ suspendAfter: '30d' }, 'suspendAfter'],
    [{ handlerTime: '25d' }, 'handlerTime'],
  ])('refuses %o, naming the field', async (extra, field) => {
    sim = await startSimulator({ controlPort: 0, clock: 'virtual' });
    await fetch(`${sim.urls.api}/devices`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ id: 'd', platform: 'ios' }),
    });
    const answer = await fetch(`${sim.urls.api}/devices/d/apps`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ bundleId: 'com.example.d', sdkProfile: 'native-ios', ...extra }),
    });
    expect(answer.status).toBe(400);
    const body = (await answer.json()) as { error: { code: string; field: string; message: string } };
    expect(body.error.code).toBe('INVALID_INPUT');
    expect(body.error.field).toBe(field);
    expect(body.error.message).toMatch(/24\.8 days/);
  });
});
