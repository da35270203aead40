// The state of one scenario run: its simulator, the pushes it named, the keys, certificates, tokens and connection pools
// its sending steps use, and the apps that run their own code through the client shim.
import http2wrapper from 'http2-wrapper';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { createHash, generateKeyPair, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { dirname, join, resolve } from 'node:path';
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
  /** Device tokens and registration tokens by app id, kept past uninstall (a send after `uninstall` gets 410 / 404). */
  readonly apnsDeviceTokens = new Map<string, string>();
  readonly fcmRegistrationTokens = new Map<string, string>();
  /** Apps running the user's own code through the client shim, by scenario app id. */
  readonly processes = new Map<string, AppProcess>();
  private readonly keys = new Map<string, ApnsKey>();
  private readonly declaredKeys = new Map<string, ApnsKey>();
  private readonly keyAgents = new Map<string, InstanceType<typeof http2wrapper.Agent>>();
  private readonly certificateAgents = new Map<string, { agent: InstanceType<typeof http2wrapper.Agent>; certificate: { cert: string; key: string } }>();
  private readonly providerTokens = new Map<string, { jwt: string; at: number }>();
  fcmToken?: string;
  constructor(readonly sim: SimulatorHandle, readonly run: ScenarioRun, private readonly stateDir?: string) {}

  /** Registers the scenario's own APNs keys (`keys.apns`): from a .p8 file next to the scenario, or minted with its ids. */
  addDeclaredKeys(): void {
    for (const declared of this.run.scenario.keys?.apns ?? []) {
      const { id, p8: file, ...ids } = declared;
      const options = { ...(ids.environment ? { environment: ids.environment } : {}), ...(ids.topics ? { topics: ids.topics } : {}) };
      let key: ApnsKey;
      if (file) {
        let p8: string;
        try { p8 = readFileSync(resolve(dirname(this.run.path), file), 'utf8'); } catch (error) { throw new Error(`keys.apns ${id}: cannot read ${file} (${(error as NodeJS.ErrnoException).code})`); }
        // The loader requires teamId and keyId with a .p8 file: they are the ids the team's backend signs with.
        const { teamId, keyId } = ids as { teamId: string; keyId: string };
        this.sim.apns!.keyring.add({ teamId, keyId, key: p8, ...options });
        key = { teamId, keyId, p8 };
      } else {
        key = this.sim.apns!.keyring.mint({ ...(ids.teamId ? { teamId: ids.teamId } : {}), ...(ids.keyId ? { keyId: ids.keyId } : {}), ...options });
      }
      this.declaredKeys.set(id, key);
      // The first declared key is the one steps sign with by default.
      if (!this.keys.has('main')) this.keys.set('main', key);
    }
  }

  /** A key a step names (`key:`), from keys.apns. */
  declaredKey(id: string): ApnsKey { return this.declaredKeys.get(id)!; }

  /**
   * The connection pool a step signing with a declared key sends on: one per key, as a provider with several keys
   * keeps one connection each (APNs binds a connection to the key of its first push). The default key uses `agent`.
   */
  agentForKey(id: string): InstanceType<typeof http2wrapper.Agent> {
    let agent = this.keyAgents.get(id);
    if (!agent) { agent = new http2wrapper.Agent(); this.keyAgents.set(id, agent); }
    return agent;
  }

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
    for (const agent of this.keyAgents.values()) agent.destroy();
  }

  /** Scenario devices and apps are created with their scenario ids, so an app's id in the simulator is its scenario id. */
  app(id: string) { return this.sim.registry.requireApp(id); }
  entry(pushId: string | undefined): LedgerEntry | undefined { return pushId ? this.sim.ledger.get(pushId) : undefined; }

  apnsBearer(renew = false, key = this.key()): string {
    const now = this.sim.clock.now();
    // One token per key, re-signed after 50 minutes as APNs clients do (tokens expire after an hour); `renew` signs a
    // new one now (on a connection that has used the old one for less than 20 minutes: TooManyProviderTokenUpdates).
    let token = this.providerTokens.get(key.keyId);
    if (renew) token = { jwt: signProviderToken(key, now + 1000), at: now };
    else if (!token || now - token.at > 50 * 60_000) token = { jwt: signProviderToken(key, now), at: now };
    this.providerTokens.set(key.keyId, token);
    return `bearer ${token.jwt}`;
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

