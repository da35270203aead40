// Token-based auth: the signing keys pushsim knows per team, minting test keys (.p8), and verifying provider JWTs
// (ES256, `kid` + `iss` + `iat`) the way Apple describes
// (docs/reference/apns.md#token-authentication). Verified tokens are cached, as APNs reuses them per connection.
import { createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { loadJose } from '../jose-module.js';
import { ErrorCodes, SimulatorError } from '../../core/index.js';
import { ApnsRejection } from './apns-reasons.js';

export type KeyEnvironment = 'sandbox' | 'production' | 'both';

export interface ApnsKeyConfig {
  teamId: string;
  keyId: string;
  /** The .p8 private key (PKCS#8 PEM) or the matching public key (SPKI PEM). */
  key: string;
  /** Team-scoped keys are environment-specific; `both` by default. */
  environment?: KeyEnvironment;
  /** A topic-specific key may send only to these topics. */
  topics?: string[];
}

export interface ApnsKey {
  teamId: string;
  keyId: string;
  environment: KeyEnvironment;
  topics?: string[];
  publicKey: KeyObject;
}
export interface MintedKey {
  teamId: string;
  keyId: string;
  environment: KeyEnvironment;
  topics?: string[];
  p8: string;
}

export interface VerifiedToken {
  teamId: string;
  keyId: string;
  issuedAt: number;
  key: ApnsKey;
}

const TEN_CHARS = /^[A-Z0-9]{10}$/;

function randomId(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  return [...randomBytes(10)].map((b) => alphabet[b % alphabet.length]).join('');
}

export class ApnsKeyring {
  private readonly keys = new Map<string, ApnsKey>();

  add(config: ApnsKeyConfig): ApnsKey {
    if (!TEN_CHARS.test(config.keyId))
      throw new SimulatorError(
        ErrorCodes.INVALID_KEY_ID,
        `keyId "${config.keyId}" must be 10 upper-case letters or digits, like Apple's`,
        'keyId',
      );
    if (!TEN_CHARS.test(config.teamId))
      throw new SimulatorError(
        ErrorCodes.INVALID_TEAM_ID,
        `teamId "${config.teamId}" must be 10 upper-case letters or digits, like Apple's`,
        'teamId',
      );
    let publicKey: KeyObject;
    try {
      publicKey = createPublicKey(config.key);
    } catch {
      throw new SimulatorError(
        ErrorCodes.INVALID_KEY,
        'key must be the .p8 private key or its public key, in PEM',
        'key',
      );
    }
    if (publicKey.asymmetricKeyType !== 'ec' || publicKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
      throw new SimulatorError(ErrorCodes.INVALID_KEY, 'APNs keys are P-256 (ES256) keys; this one is not', 'key');
    }
    const key: ApnsKey = {
      teamId: config.teamId,
      keyId: config.keyId,
      environment: config.environment ?? 'both',
      publicKey,
      ...(config.topics ? { topics: config.topics } : {}),
    };
    this.keys.set(config.keyId, key);
    return key;
  }

  /** Mints a new P-256 key for a team, registers it, and returns the .p8 a provider signs with. */
  mint(input: { teamId?: string; keyId?: string; environment?: KeyEnvironment; topics?: string[] } = {}): MintedKey {
    const { privateKey } = generateKeyPairSync('ec', {
      namedCurve: 'prime256v1',
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    const teamId = input.teamId ?? randomId();
    const keyId = input.keyId ?? randomId();
    this.add({
      teamId,
      keyId,
      key: privateKey,
      ...(input.environment ? { environment: input.environment } : {}),
      ...(input.topics ? { topics: input.topics } : {}),
    });
    return {
      teamId,
      keyId,
      environment: input.environment ?? 'both',
      p8: privateKey,
      ...(input.topics ? { topics: input.topics } : {}),
    };
  }

  list(): Omit<ApnsKey, 'publicKey'>[] {
    return [...this.keys.values()].map(({ publicKey: _p, ...rest }) => rest);
  }

  get(keyId: string): ApnsKey | undefined {
    return this.keys.get(keyId);
  }
  remove(keyId: string): boolean {
    return this.keys.delete(keyId);
  }
  clear(): void {
    this.keys.clear();
  }

  /** Verifies a provider token's signature and claims; the age check is the caller's (it knows the clock). */
  async verify(token: string): Promise<VerifiedToken> {
    const { decodeProtectedHeader, jwtVerify } = await loadJose();
    let header: { alg?: string; kid?: string };
    try {
      header = decodeProtectedHeader(token);
    } catch {
      throw new ApnsRejection('InvalidProviderToken', 'the bearer token is not a JWT');
    }
    if (header.alg !== 'ES256')
      throw new ApnsRejection(
        'InvalidProviderToken',
        `the token is signed with ${header.alg ?? 'no algorithm'}; APNs accepts only ES256`,
      );
    if (!header.kid) throw new ApnsRejection('InvalidProviderToken', 'the token header has no kid (key id)');
    const key = this.keys.get(header.kid);
    if (!key)
      throw new ApnsRejection(
        'InvalidProviderToken',
        `no key with id ${header.kid} is configured; add it (POST /api/apns/keys) or mint one`,
      );
    let payload: { iss?: unknown; iat?: unknown };
    try {
      ({ payload } = await jwtVerify(token, key.publicKey, {
        algorithms: ['ES256'],
        clockTolerance: Number.MAX_SAFE_INTEGER,
      }));
    } catch {
      throw new ApnsRejection('InvalidProviderToken', `the token's signature does not verify with key ${header.kid}`);
    }
    if (typeof payload.iss !== 'string')
      throw new ApnsRejection('InvalidProviderToken', 'the token has no iss (team id) claim');
    if (payload.iss !== key.teamId)
      throw new ApnsRejection('InvalidProviderToken', `the token's team ${payload.iss} does not own key ${header.kid}`);
    if (typeof payload.iat !== 'number') throw new ApnsRejection('InvalidProviderToken', 'the token has no iat claim');
    return { teamId: payload.iss, keyId: header.kid, issuedAt: payload.iat * 1000, key };
  }
}
