// Interop: client certificates from POST /api/apns/certificates carry Apple's extensions, so the published
// @parse/node-apn accepts them (it checks the environment extensions before sending) and pushsim's endpoints read the
// same extensions to authenticate the connection.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import apn from '@parse/node-apn';
import forge from 'node-forge';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type SimulatorHandle, type InstalledApp } from '../../simulator/index.js';
import { connectApns, request } from '../support/apns-wire.js';

let sim: SimulatorHandle;
let app: InstalledApp;
beforeAll(async () => {
  sim = await startSimulator({ controlPort: 0, clock: 'virtual' });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  sim.reset();
  const device = sim.simulation.createDevice({ platform: 'ios' });
  app = sim.simulation.installApp({
    deviceId: device.id,
    bundleId: 'com.example.news',
    sdkProfile: 'native-ios',
    state: 'active',
  });
});

type Environment = 'sandbox' | 'production' | 'both';
const issued = new Map<string, { cert: string; key: string; environment: string }>();
/** One certificate per environment for the whole file: each costs an RSA key pair. */
async function certificate(environment?: Environment): Promise<{ cert: string; key: string; environment: string }> {
  const cacheKey = environment ?? '(default)';
  let entry = issued.get(cacheKey);
  if (!entry) {
    const response = await fetch(`${sim.urls.api}/apns/certificates`, {
      method: 'POST',
      body: JSON.stringify({ topic: 'com.example.news', ...(environment ? { environment } : {}) }),
    });
    expect(response.status).toBe(201);
    entry = (await response.json()) as { cert: string; key: string; environment: string };
    issued.set(cacheKey, entry);
  }
  return entry;
}

/** The certificate's extensions by OID, read with forge's own ASN.1 parser rather than pushsim's decoder. */
function extensionsOf(pem: string): Map<string, { critical: boolean; value: forge.asn1.Asn1 }> {
  const cert = forge.pki.certificateFromPem(pem);
  const result = new Map<string, { critical: boolean; value: forge.asn1.Asn1 }>();
  for (const extension of cert.extensions as { id: string; critical?: boolean; value: string }[]) {
    result.set(extension.id, { critical: Boolean(extension.critical), value: forge.asn1.fromDer(extension.value) });
  }
  return result;
}

/** An ASN.1 value as plain data: strings as strings, sequences as arrays, NULL as null. */
function plain(value: forge.asn1.Asn1): unknown {
  if (Array.isArray(value.value)) return value.value.map(plain);
  if (value.type === forge.asn1.Type.NULL) return null;
  return forge.util.decodeUtf8(value.value);
}

const DEVELOPMENT = '1.2.840.113635.100.6.3.1';
const PRODUCTION = '1.2.840.113635.100.6.3.2';
const TOPICS = '1.2.840.113635.100.6.3.6';

describe('certificates issued as Apple issues them', () => {
  test('the default (universal) certificate carries both environment extensions and the topic extension', async () => {
    const issuedCert = await certificate();
    expect(issuedCert.environment).toBe('both');
    const extensions = extensionsOf(issuedCert.cert);
    expect(plain(extensions.get(DEVELOPMENT)!.value)).toBeNull();
    expect(plain(extensions.get(PRODUCTION)!.value)).toBeNull();
    // The layout apns_erl_util's apns_cert.erl decodes from a real certificate: topic, then SEQUENCE { kind }.
    expect(plain(extensions.get(TOPICS)!.value)).toEqual([
      'com.example.news',
      ['app'],
      'com.example.news.voip',
      ['voip'],
      'com.example.news.complication',
      ['complication'],
    ]);
    expect([...extensions.values()].filter((e) => e.critical)).toHaveLength(1); // keyUsage only
    const subject = forge.pki.certificateFromPem(issuedCert.cert).subject;
    expect(subject.getField('CN').value).toBe('Apple Push Services: com.example.news');
    expect(subject.getField({ type: '0.9.2342.19200300.100.1.1' }).value).toBe('com.example.news');
  });

  test.each([
    ['sandbox', [DEVELOPMENT], 'Apple Development IOS Push Services: com.example.news'],
    ['production', [PRODUCTION], 'Apple Production IOS Push Services: com.example.news'],
  ] as const)('a %s certificate carries only its own environment extension', async (environment, oids, commonName) => {
    const issuedCert = await certificate(environment);
    const apple = [...extensionsOf(issuedCert.cert).keys()].filter((id) => id.startsWith('1.2.840.113635.'));
    expect(apple).toEqual(oids);
    expect(forge.pki.certificateFromPem(issuedCert.cert).subject.getField('CN').value).toBe(commonName);
  });
});

describe('@parse/node-apn with cert and key from POST /api/apns/certificates', () => {
  const provider = (credentials: { cert: string; key: string }, production: boolean) =>
    new apn.Provider({
      cert: credentials.cert,
      key: credentials.key,
      production,
      address: '127.0.0.1',
      port: Number(new URL(sim.urls.apns).port),
      ca: [sim.caPem],
    });

  test('regression: node-apn refused pushsim\'s certificate ("certificate does not support configured environment"); a universal one sends to the sandbox endpoint', async () => {
    const client = provider(await certificate(), false);
    const note = new apn.Notification({
      alert: { title: 'Breaking', body: 'news' },
      topic: 'com.example.news',
      pushType: 'alert',
    });
    try {
      const result = await client.send(note, app.tokens!.apns!);
      expect(result.failed).toEqual([]);
      expect(result.sent).toEqual([expect.objectContaining({ device: app.tokens!.apns })]);
    } finally {
      client.shutdown();
    }
    expect(sim.ledger.list({ appId: app.id }).at(-1)!.fate.name).toBe('delivered');
  });

  test('a sandbox certificate sends too; node-apn itself refuses a production-only one for the sandbox', async () => {
    const client = provider(await certificate('sandbox'), false);
    const note = new apn.Notification({ alert: 'hi', topic: 'com.example.news', pushType: 'alert' });
    try {
      expect((await client.send(note, app.tokens!.apns!)).failed).toEqual([]);
    } finally {
      client.shutdown();
    }
    // node-apn's config.js sets production = (address === 'api.push.apple.com'), so 127.0.0.1 is always the sandbox.
    const production = await certificate('production');
    expect(() => provider(production, false)).toThrow(
      /certificate does not support configured environment, production: false/,
    );
  });
});

describe('the endpoints read the environment and topic extensions', () => {
  const alert = JSON.stringify({ aps: { alert: 'hi' } });
  const headers = () => ({
    ':path': `/3/device/${app.tokens!.apns}`,
    'apns-topic': 'com.example.news',
    'apns-push-type': 'alert',
  });

  async function answer(url: string, credentials: { cert: string; key: string }, extra: Record<string, string> = {}) {
    const session = await connectApns(url, sim.caPem, { cert: credentials.cert, key: credentials.key });
    try {
      return await request(session, { ...headers(), ...extra }, alert);
    } finally {
      session.close();
    }
  }

  test('the universal certificate authenticates on the production endpoint too (for a production app)', async () => {
    const device = sim.simulation.createDevice({ platform: 'ios' });
    const production = sim.simulation.installApp({
      deviceId: device.id,
      bundleId: 'com.example.news',
      sdkProfile: 'native-ios',
      environment: 'production',
      state: 'active',
    });
    const reply = await answer(sim.urls.apnsProduction!, await certificate(), {
      ':path': `/3/device/${production.tokens!.apns}`,
    });
    expect(reply.status).toBe(200);
  });

  test('a sandbox-only certificate on the production endpoint is 403 BadCertificateEnvironment', async () => {
    const reply = await answer(sim.urls.apnsProduction!, await certificate('sandbox'));
    expect(reply).toMatchObject({ status: 403, json: { reason: 'BadCertificateEnvironment' } });
    expect(sim.ledger.list({ fate: 'rejected' }).at(-1)!.fate.reason).toMatch(
      /for sandbox only \(extension 1\.2\.840\.113635\.100\.6\.3\.1\)/,
    );
  });

  test("the topic extension's topics are allowed (.voip), others are 400 BadTopic", async () => {
    const universal = await certificate();
    expect(
      (await answer(sim.urls.apns, universal, { 'apns-topic': 'com.example.news.voip', 'apns-push-type': 'voip' }))
        .status,
    ).toBe(200);
    expect(await answer(sim.urls.apns, universal, { 'apns-topic': 'com.example.other' })).toMatchObject({
      status: 400,
      json: { reason: 'BadTopic' },
    });
  });
});

describe("certificates from pushsim's CA without Apple's extensions", () => {
  let other: SimulatorHandle;
  let stateDir: string;
  beforeAll(async () => {
    stateDir = mkdtempSync(join(tmpdir(), 'pushsim-cert-test-'));
    other = await startSimulator({ controlPort: 0, clock: 'virtual', stateDir });
  });
  afterAll(async () => {
    await other.close();
    rmSync(stateDir, { recursive: true, force: true });
  });

  /** A client certificate signed with the simulator's CA key, with only the subject fields given. */
  function signed(subject: forge.pki.CertificateField[]): { cert: string; key: string } {
    const caCert = forge.pki.certificateFromPem(readFileSync(join(stateDir, 'ca.pem'), 'utf8'));
    const caKey = forge.pki.privateKeyFromPem(readFileSync(join(stateDir, 'ca-key.pem'), 'utf8'));
    const { privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    const key = forge.pki.privateKeyFromPem(privateKey) as forge.pki.rsa.PrivateKey;
    const cert = forge.pki.createCertificate();
    cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
    cert.serialNumber = '01';
    cert.validity.notBefore = new Date(Date.now() - 3600_000);
    cert.validity.notAfter = new Date(Date.now() + 3600_000);
    cert.setSubject(subject);
    cert.setIssuer(caCert.subject.attributes);
    cert.setExtensions([
      { name: 'basicConstraints', cA: false },
      { name: 'extKeyUsage', clientAuth: true },
    ]);
    cert.sign(caKey, forge.md.sha256.create());
    return { cert: forge.pki.certificateToPem(cert), key: privateKey };
  }

  async function status(credentials: { cert: string; key: string }): Promise<{ status: number; reason?: string }> {
    const device = other.simulation.createDevice({ platform: 'ios' });
    const a = other.simulation.installApp({
      deviceId: device.id,
      bundleId: 'com.example.news',
      sdkProfile: 'native-ios',
      state: 'active',
    });
    const session = await connectApns(other.urls.apns, other.caPem, credentials);
    try {
      const reply = await request(
        session,
        { ':path': `/3/device/${a.tokens!.apns}`, 'apns-topic': 'com.example.news', 'apns-push-type': 'alert' },
        JSON.stringify({ aps: { alert: 'hi' } }),
      );
      return { status: reply.status, ...(reply.json?.reason ? { reason: reply.json.reason } : {}) };
    } finally {
      session.close();
    }
  }

  const uid = { type: '0.9.2342.19200300.100.1.1', value: 'com.example.news' };
  test('one with neither environment extension is 403 BadCertificate', async () => {
    expect(await status(signed([{ name: 'commonName', value: 'not a push certificate' }, uid]))).toEqual({
      status: 403,
      reason: 'BadCertificate',
    });
    expect(other.ledger.list({ fate: 'rejected' }).at(-1)!.fate.reason).toMatch(
      /neither of Apple's environment extensions/,
    );
  });

  test('one pushsim issued before it wrote the extensions (environment in the OU) still authenticates', async () => {
    expect(
      await status(
        signed([
          { name: 'commonName', value: 'Apple Development IOS Push Services: com.example.news' },
          uid,
          { name: 'organizationalUnitName', value: 'sandbox' },
        ]),
      ),
    ).toEqual({ status: 200 });
  });
});
