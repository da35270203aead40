// Authenticates one APNs request on its connection: certificate auth (a client certificate issued by pushsim's CA,
// topic in its UID and Apple's topic extension, environment in Apple's extensions) or token auth (a provider JWT), with
// the connection-level rules of docs/reference/apns.md#token-authentication: the first push binds the key to the
// connection, a token older than an hour is expired, a new token more often than every 20 minutes is too many updates.
import type { TLSSocket } from 'node:tls';
import { ApnsRejection } from './apns-reasons.js';
import type { ApnsKey, ApnsKeyring, VerifiedToken } from './apns-keys.js';
import { APPLE_PUSH_OIDS, readApplePushCertificate } from '../tls/index.js';

export const TOKEN_MAX_AGE_MS = 60 * 60 * 1000;
export const TOKEN_MIN_REFRESH_MS = 20 * 60 * 1000;

/** What APNs remembers about one HTTP/2 connection. */
export interface ApnsConnection {
  environment: 'sandbox' | 'production';
  certificate?: ClientCertificate | { invalid: string };
  boundKeyId?: string;
  currentToken?: string;
  tokenChangedAt?: number;
  verified: Map<string, VerifiedToken>;
  authenticated: boolean;
  pushes: number;
}

/** A trusted client certificate: its topic (UID), the topics it may send to, and the environments it is for. */
export interface ClientCertificate {
  topic: string;
  topics: string[];
  environments: { sandbox: boolean; production: boolean };
}

export type ApnsIdentity =
  | { kind: 'certificate'; topic: string; topics: string[] }
  | { kind: 'token'; teamId: string; key: ApnsKey }
  | { kind: 'permissive' };

export function readClientCertificate(socket: TLSSocket | undefined): ApnsConnection['certificate'] {
  if (!socket || typeof socket.getPeerCertificate !== 'function') return undefined;
  const peer = socket.getPeerCertificate();
  if (!peer || Object.keys(peer).length === 0) return undefined;
  if (!socket.authorized)
    return {
      invalid: `the client certificate is not issued by pushsim's CA (${socket.authorizationError ?? 'untrusted'})`,
    };
  const info = peer.raw ? readApplePushCertificate(peer.raw) : undefined;
  if (!info) return { invalid: 'the client certificate could not be parsed' };
  const topic = info.uid;
  if (!topic) return { invalid: 'the client certificate has no UID (topic) in its subject' };
  let environments = { sandbox: info.hasDevelopment, production: info.hasProduction };
  // Certificates pushsim issued before it wrote Apple's extensions named their environment in the OU; they stay valid
  // (they may be stored in a project's fixtures). Apple's own certificates carry the team id there.
  if (
    !info.hasDevelopment &&
    !info.hasProduction &&
    (info.organizationalUnit === 'sandbox' || info.organizationalUnit === 'production')
  ) {
    environments = {
      sandbox: info.organizationalUnit === 'sandbox',
      production: info.organizationalUnit === 'production',
    };
  }
  if (!environments.sandbox && !environments.production) {
    return {
      invalid: `the client certificate has neither of Apple's environment extensions (${APPLE_PUSH_OIDS.development} development, ${APPLE_PUSH_OIDS.production} production); issue one with POST /api/apns/certificates`,
    };
  }
  // Without the topic extension: the UID's topic and its .voip / .complication topics (Pushy's mock allows the same).
  const topics =
    info.topics && info.topics.length > 0 ? info.topics : [topic, `${topic}.voip`, `${topic}.complication`];
  return { topic, topics, environments };
}

export interface AuthOptions {
  keyring: ApnsKeyring;
  permissive: boolean;
  now: number;
}

/** Synchronous when the token was verified before on this connection (the common case); a promise otherwise. */
export function authenticate(
  connection: ApnsConnection,
  authorization: string | undefined,
  options: AuthOptions,
): ApnsIdentity | Promise<ApnsIdentity> {
  const cert = connection.certificate;
  if (cert) {
    // "APNs ignores [authorization] on a certificate connection."
    if ('invalid' in cert) throw new ApnsRejection('BadCertificate', cert.invalid);
    if (!cert.environments[connection.environment]) {
      const other = connection.environment === 'sandbox' ? 'production' : 'sandbox';
      const oid = other === 'production' ? APPLE_PUSH_OIDS.production : APPLE_PUSH_OIDS.development;
      throw new ApnsRejection(
        'BadCertificateEnvironment',
        `the client certificate is for ${other} only (extension ${oid}); this endpoint is ${connection.environment}: use a certificate for ${connection.environment} or both`,
      );
    }
    return { kind: 'certificate', topic: cert.topic, topics: cert.topics };
  }
  if (!authorization || !/^bearer\s+\S/i.test(authorization)) {
    if (options.permissive) return { kind: 'permissive' };
    throw new ApnsRejection(
      'MissingProviderToken',
      'no "authorization: bearer <JWT>" header and no client certificate',
    );
  }
  const token = authorization.replace(/^bearer\s+/i, '');
  if (options.permissive) return { kind: 'permissive' };

  const cached = connection.verified.get(token);
  if (cached) return checkToken(connection, token, cached, options);
  return options.keyring.verify(token).then((verified) => {
    connection.verified.set(token, verified);
    if (connection.verified.size > 8) connection.verified.delete(connection.verified.keys().next().value as string);
    return checkToken(connection, token, verified, options);
  });
}

/** How far ahead of the simulator's clock a token's iat may be. */
const TOKEN_FUTURE_SKEW_MS = 10 * 60_000;

function checkToken(
  connection: ApnsConnection,
  token: string,
  verified: VerifiedToken,
  options: AuthOptions,
): ApnsIdentity {
  // A token "issued" later than now is no token Apple accepts (InvalidProviderToken). The margin covers a virtual clock,
  // which starts at real time and does not move with it, against tokens a client signs on the real clock.
  if (!Number.isFinite(verified.issuedAt) || verified.issuedAt > options.now + TOKEN_FUTURE_SKEW_MS)
    throw new ApnsRejection(
      'InvalidProviderToken',
      `the token's iat (${Number.isFinite(verified.issuedAt) ? new Date(verified.issuedAt).toISOString() : 'out of range'}) is in the future; sign it with the current time in seconds`,
    );
  if (options.now - verified.issuedAt > TOKEN_MAX_AGE_MS)
    throw new ApnsRejection(
      'ExpiredProviderToken',
      `the token was issued at ${new Date(verified.issuedAt).toISOString()}, more than an hour ago; sign a new one`,
    );
  const key = verified.key;
  if (key.environment !== 'both' && key.environment !== connection.environment) {
    throw new ApnsRejection(
      'BadEnvironmentKeyIdInToken',
      `key ${key.keyId} is for ${key.environment}; this endpoint is ${connection.environment}`,
    );
  }
  if (connection.boundKeyId && connection.boundKeyId !== verified.keyId) {
    throw new ApnsRejection(
      'UnrelatedKeyIdInToken',
      `this connection is bound to key ${connection.boundKeyId} by its first push; to use key ${verified.keyId}, open a new connection`,
    );
  }
  if (connection.currentToken !== undefined && connection.currentToken !== token) {
    if (options.now - (connection.tokenChangedAt ?? 0) < TOKEN_MIN_REFRESH_MS) {
      throw new ApnsRejection(
        'TooManyProviderTokenUpdates',
        'the provider token changed less than 20 minutes after the last change on this connection; refresh no more than once every 20 minutes',
      );
    }
  }
  if (connection.currentToken !== token) {
    connection.currentToken = token;
    connection.tokenChangedAt = options.now;
  }
  connection.boundKeyId ??= verified.keyId;
  return { kind: 'token', teamId: verified.teamId, key };
}

/** Whether an identity may send to a topic: a certificate to the topics it lists, a topic key to its topics. */
export function checkTopicAllowed(identity: ApnsIdentity, topic: string, bundleId: string): void {
  if (identity.kind === 'certificate' && !identity.topics.includes(topic)) {
    throw new ApnsRejection(
      'BadTopic',
      `the client certificate is for ${identity.topics.join(', ')}; it cannot send to ${topic}`,
    );
  }
  if (
    identity.kind === 'token' &&
    identity.key.topics &&
    !identity.key.topics.includes(bundleId) &&
    !identity.key.topics.includes(topic)
  ) {
    throw new ApnsRejection(
      'TopicDisallowed',
      `key ${identity.key.keyId} may send only to ${identity.key.topics.join(', ')}`,
    );
  }
}
