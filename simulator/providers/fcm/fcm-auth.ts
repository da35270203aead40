// Google OAuth2 as firebase-admin and google-auth-library use it: service accounts (pushsim generates them for tests),
// the JWT-bearer grant at /token, and the access tokens FCM requests carry.
import { createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { loadJose } from '../jose-module.js';

export interface ServiceAccountJson {
  type: 'service_account';
  project_id: string;
  private_key_id: string;
  private_key: string;
  client_email: string;
  client_id: string;
  auth_uri: string;
  token_uri: string;
  auth_provider_x509_cert_url: string;
  client_x509_cert_url: string;
  universe_domain: string;
}

interface Account {
  projectId: string;
  clientEmail: string;
  keyId: string;
  publicKey: KeyObject;
}
interface AccessToken {
  projectId: string;
  clientEmail: string;
  expiresAt: number;
}

export type GrantResult =
  | { ok: true; body: { access_token: string; expires_in: number; token_type: 'Bearer' } }
  | { ok: false; status: number; body: { error: string; error_description: string } };

const AUDIENCES = [
  'https://oauth2.googleapis.com/token',
  'https://accounts.google.com/o/oauth2/token',
  'https://www.googleapis.com/oauth2/v4/token',
];

export class FcmAuth {
  private readonly accounts = new Map<string, Account>();
  private readonly tokens = new Map<string, AccessToken>();

  /** Generates a service account for a project: the JSON firebase-admin's `cert()` takes. */
  createServiceAccount(projectId: string): ServiceAccountJson {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    const keyId = randomBytes(20).toString('hex');
    const clientEmail = `pushsim-${randomBytes(3).toString('hex')}@${projectId}.iam.gserviceaccount.com`;
    this.accounts.set(clientEmail, { projectId, clientEmail, keyId, publicKey: createPublicKey(publicKey) });
    return {
      type: 'service_account',
      project_id: projectId,
      private_key_id: keyId,
      private_key: privateKey,
      client_email: clientEmail,
      client_id: String(BigInt(`0x${randomBytes(8).toString('hex')}`)),
      auth_uri: 'https://accounts.google.com/o/oauth2/auth',
      token_uri: 'https://oauth2.googleapis.com/token',
      auth_provider_x509_cert_url: 'https://www.googleapis.com/oauth2/v1/certs',
      client_x509_cert_url: `https://www.googleapis.com/robot/v1/metadata/x509/${encodeURIComponent(clientEmail)}`,
      universe_domain: 'googleapis.com',
    };
  }

  /** Registers an existing service account's public key (or certificate / private key), e.g. from a config file. */
  addServiceAccount(projectId: string, clientEmail: string, key: string, keyId = ''): void {
    this.accounts.set(clientEmail, { projectId, clientEmail, keyId, publicKey: createPublicKey(key) });
  }

  listServiceAccounts(): { projectId: string; clientEmail: string; keyId: string }[] {
    return [...this.accounts.values()].map(({ projectId, clientEmail, keyId }) => ({ projectId, clientEmail, keyId }));
  }

  /** The JWT-bearer grant (RFC 7523) as Google's token endpoint answers it. */
  async grant(form: URLSearchParams, now: number): Promise<GrantResult> {
    const fail = (error: string, description: string): GrantResult => ({
      ok: false,
      status: 400,
      body: { error, error_description: description },
    });
    if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer')
      return fail('unsupported_grant_type', `Invalid grant_type: ${form.get('grant_type') ?? ''}`);
    const assertion = form.get('assertion');
    if (!assertion) return fail('invalid_request', 'Missing required parameter: assertion');
    const { decodeProtectedHeader, decodeJwt, jwtVerify } = await loadJose();
    let claims: { iss?: string; aud?: string | string[]; exp?: number; scope?: string };
    try {
      decodeProtectedHeader(assertion);
      claims = decodeJwt(assertion);
    } catch {
      return fail(
        'invalid_grant',
        'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.',
      );
    }
    const account = claims.iss ? this.accounts.get(claims.iss) : undefined;
    if (!account) return fail('invalid_grant', 'Invalid grant: account not found');
    try {
      await jwtVerify(assertion, account.publicKey, {
        algorithms: ['RS256'],
        currentDate: new Date(now),
        clockTolerance: 300,
      });
    } catch {
      return fail('invalid_grant', 'Invalid JWT Signature.');
    }
    const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!aud.some((a) => a && AUDIENCES.includes(a)))
      return fail('invalid_grant', 'Invalid JWT: aud is not a Google token endpoint');
    const accessToken = `ya29.pushsim.${randomBytes(24).toString('base64url')}`;
    this.tokens.set(accessToken, {
      projectId: account.projectId,
      clientEmail: account.clientEmail,
      expiresAt: now + 3_600_000,
    });
    return { ok: true, body: { access_token: accessToken, expires_in: 3599, token_type: 'Bearer' } };
  }

  /** The project an access token may act for, or undefined when it is missing, unknown or expired. */
  verifyBearer(authorization: string | undefined, now: number): { projectId: string } | 'missing' | 'invalid' {
    if (!authorization) return 'missing';
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (!match) return 'invalid';
    const token = this.tokens.get(match[1]!);
    if (!token || token.expiresAt <= now) return 'invalid';
    return { projectId: token.projectId };
  }

  clearTokens(): void {
    this.tokens.clear();
  }
}
