// The state of one scenario run: its simulator, the pushes it named, the keys, certificates, tokens and connection pools
// its sending steps use, and the apps that run their own code through the client shim.
import http2wrapper from 'http2-wrapper';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { createHash, generateKeyPair, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { join } from 'node:path';
import type { AppProcess } from '../../client-shim/index.js';
import { loadCertificateAuthority } from '../providers/tls/certificate-authority.js';
import type { SimulatorHandle } from '../start-simulator.js';
import type { LedgerEntry } from '../core/index.js';
import { fcmAccessToken, signProviderToken } from '../senders/index.js';
import type { ScenarioRun } from './scenario-loader.js';

const issuedCertificates = new Map<string, { cert: string; key: string }>();
let serviceAccountKey: Promise<{ privateKey: string; keyId: string }> | undefined;

/**
 * The key of the service account scenarios send FCM with: one RSA key per process, generated off the main thread
 * (a 2048-bit key costs 100–500 ms). The runner starts it before the first run.
 */
export function prepareScenarioKeys(): Promise<{ privateKey: string; keyId: string }> {
  serviceAccountKey ??= promisify(generateKeyPair)('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } })
    .then(({ privateKey }) => ({ privateKey, keyId: randomBytes(20).toString('hex') }));
  return serviceAccountKey;
}

async function scenarioServiceAccount(project: string) {
  const key = await prepareScenarioKeys();
  return { client_email: `pushsim-scenarios@${project}.iam.gserviceaccount.com`, private_key: key.privateKey, private_key_id: key.keyId };
}

export type ApnsKey = { teamId: string; keyId: string; p8: string };

export interface Sent { pushIds: string[]; status?: number; reason?: string; errorCode?: string }

export class RunContext {
  readonly sent = new Map<string, Sent>();
  readonly agent = new http2wrapper.Agent();
  /** FCM over HTTP/1.1 keep-alive, as firebase-admin's send() does. */
  readonly fcmAgent = new https.Agent({ keepAlive: true });
  /** Tokens by app id, kept past uninstall. */
  readonly tokens = new Map<string, string>();
  readonly fcmTokens = new Map<string, string>();
  /** Apps running the user's own code through the client shim, by scenario app id. */
  readonly processes = new Map<string, AppProcess>();
  private readonly keys = new Map<string, ApnsKey>();
  private readonly certificateAgents = new Map<string, { agent: InstanceType<typeof http2wrapper.Agent>; certificate: { cert: string; key: string } }>();
  apnsToken?: { jwt: string; at: number };
  fcmToken?: string;
  constructor(readonly sim: SimulatorHandle, readonly run: ScenarioRun, readonly appIds: Map<string, string>, private readonly stateDir?: string) {}

  /** Keys minted for the scenario: the main one, and the odd ones the auth modes need. */
  key(kind: 'main' | 'production' | 'other' | 'topic' = 'main'): ApnsKey {
    let key = this.keys.get(kind);
    if (!key) {
      const keyring = this.sim.apns!.keyring;
      const teamId = kind === 'main' ? undefined : this.key('main').teamId;
      key = kind === 'main' ? keyring.mint()
        : kind === 'production' ? keyring.mint({ teamId: teamId!, environment: 'production' })
        : kind === 'topic' ? keyring.mint({ teamId: teamId!, topics: ['dev.pushsim.another-topic'] })
        : keyring.mint({ teamId: teamId! });
      this.keys.set(kind, key);
    }
    return key;
  }

  /** A client certificate (and a connection pool of its own, since TLS client auth is per connection). */
  async certificate(mode: 'certificate' | 'foreign-certificate' | 'production-certificate', topic: string) {
    const cacheKey = `${mode} ${topic}`;
    let entry = this.certificateAgents.get(cacheKey);
    if (!entry) {
      // Issuing costs an RSA key pair: runs on the same CA share the certificates, kept in the state directory if any.
      const issuedKey = `${this.sim.caPem} ${cacheKey}`;
      const stored = this.stateDir ? join(this.stateDir, `scenario-client-${createHash('sha256').update(issuedKey).digest('hex').slice(0, 16)}.json`) : undefined;
      let certificate = issuedCertificates.get(issuedKey);
      if (!certificate && stored && existsSync(stored)) certificate = JSON.parse(readFileSync(stored, 'utf8')) as { cert: string; key: string };
      if (!certificate) {
        if (mode === 'foreign-certificate') certificate = loadCertificateAuthority(join(tmpdir(), 'pushsim-foreign-ca')).issueClientCertificate(topic, 'sandbox');
        else {
          const response = await fetch(`${this.sim.urls.api}/apns/certificates`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ topic, environment: mode === 'production-certificate' ? 'production' : 'sandbox' }) });
          certificate = await response.json() as { cert: string; key: string };
        }
        if (stored) writeFileSync(stored, JSON.stringify(certificate), { mode: 0o600 });
      }
      issuedCertificates.set(issuedKey, certificate);
      entry = { agent: new http2wrapper.Agent(), certificate };
      this.certificateAgents.set(cacheKey, entry);
    }
    return entry;
  }

  /** Waits until every app running its own code has handled what the simulator sent it. */
  async settle(): Promise<void> { for (const process of this.processes.values()) await process.idle(); }

  async close(): Promise<void> {
    for (const process of this.processes.values()) await process.close().catch(() => {});
    this.agent.destroy();
    this.fcmAgent.destroy();
    for (const { agent } of this.certificateAgents.values()) agent.destroy();
  }

  appId(ref: string): string { return this.appIds.get(ref)!; }
  app(ref: string) { return this.sim.registry.requireApp(this.appId(ref)); }
  entry(pushId: string | undefined): LedgerEntry | undefined { return pushId ? this.sim.ledger.get(pushId) : undefined; }

  apnsBearer(renew = false): string {
    const now = this.sim.clock.now();
    // Re-sign after 50 minutes, as APNs clients do (tokens expire after an hour); `renew` signs a new one now.
    if (renew) this.apnsToken = { jwt: signProviderToken(this.key(), now + 1000), at: now };
    else if (!this.apnsToken || now - this.apnsToken.at > 50 * 60_000) this.apnsToken = { jwt: signProviderToken(this.key(), now), at: now };
    return `bearer ${this.apnsToken.jwt}`;
  }

  async fcmBearer(): Promise<string> {
    if (!this.fcmToken) {
      const project = this.sim.fcm!.server.defaultProject;
      const account = await scenarioServiceAccount(project);
      this.sim.fcm!.auth.addServiceAccount(project, account.client_email, account.private_key, account.private_key_id);
      this.fcmToken = await fcmAccessToken(this.sim.urls.fcm, this.sim.caPem, account, this.sim.clock.now());
    }
    return this.fcmToken;
  }
}

