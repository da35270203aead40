// Huawei's OAuth 2.0 client credentials as Push Kit uses them: apps the simulator knows (app ID = OAuth client ID, a
// client secret, the package name their tokens belong to), the token endpoint's grant, and the bearer a send carries.
// Tokens live one hour on the simulator's clock (docs/reference/hms.md#oauth-client-credentials).
import { randomBytes } from 'node:crypto';

export interface HmsApp {
  /** The AppGallery Connect app ID: the `{appId}` of /v1/{appId}/messages:send and the OAuth client_id. */
  appId: string;
  clientSecret: string;
  /** The Android package its push tokens belong to; absent = any package (a quick start). */
  packageName?: string;
  /** Whether Huawei granted the app the high-priority data message permission (`urgency: HIGH` to a killed app). */
  highPriorityDataMessages: boolean;
  /** Whether the app may send at all; false answers 80300002. */
  canSend: boolean;
}

export type HmsGrantResult =
  | { ok: true; body: { access_token: string; expires_in: number; token_type: 'Bearer' } }
  | { ok: false; status: number; body: { error: number; sub_error: number; error_description: string } };

/** One hour (docs/reference/hms.md#oauth-client-credentials). */
export const HMS_TOKEN_LIFETIME_S = 3600;

export class HmsAuth {
  private readonly apps = new Map<string, HmsApp>();
  private readonly tokens = new Map<string, { appId: string; expiresAt: number }>();

  /** Registers an app; the app ID and secret are generated unless given. */
  createApp(input: Partial<HmsApp> = {}): HmsApp {
    const app: HmsApp = {
      appId: input.appId ?? String(100_000_000 + (randomBytes(4).readUInt32BE(0) % 900_000_000)),
      clientSecret: input.clientSecret ?? randomBytes(32).toString('hex'),
      highPriorityDataMessages: input.highPriorityDataMessages ?? false,
      canSend: input.canSend ?? true,
      ...(input.packageName !== undefined ? { packageName: input.packageName } : {}),
    };
    this.apps.set(app.appId, app);
    return app;
  }

  app(appId: string): HmsApp | undefined {
    return this.apps.get(appId);
  }
  listApps(): HmsApp[] {
    return [...this.apps.values()];
  }

  /** The client-credentials grant as oauth-login.cloud.huawei.com answers it. */
  grant(form: URLSearchParams, now: number): HmsGrantResult {
    const fail = (subError: number, description: string): HmsGrantResult => ({
      ok: false,
      status: 400,
      body: { error: 1101, sub_error: subError, error_description: description },
    });
    if (form.get('grant_type') !== 'client_credentials')
      return fail(
        20001,
        `unsupported grant_type: ${form.get('grant_type') ?? '(missing)'}; Push Kit uses client_credentials`,
      );
    const app = this.apps.get(form.get('client_id') ?? '');
    if (!app) return fail(20001, 'invalid client_id');
    if (form.get('client_secret') !== app.clientSecret) return fail(12304, 'invalid client_secret');
    const accessToken = `DQEBA${randomBytes(48).toString('base64')}`;
    this.tokens.set(accessToken, { appId: app.appId, expiresAt: now + HMS_TOKEN_LIFETIME_S * 1000 });
    return { ok: true, body: { access_token: accessToken, expires_in: HMS_TOKEN_LIFETIME_S, token_type: 'Bearer' } };
  }

  /**
   * Whether a request's Authorization header may act for the app in its URL: no header or another app's token is
   * 80200001, an unknown or expired token 80200003 (docs/reference/hms.md#answers-and-result-codes).
   */
  verifyBearer(
    authorization: string | undefined,
    appId: string,
    now: number,
  ): 'ok' | 'missing' | 'expired' | 'other-app' {
    const match = authorization ? /^Bearer\s+(\S+)$/i.exec(authorization) : null;
    if (!match) return 'missing';
    const token = this.tokens.get(match[1]!);
    if (!token || token.expiresAt <= now) return 'expired';
    return token.appId === appId && this.apps.has(appId) ? 'ok' : 'other-app';
  }

  clearTokens(): void {
    this.tokens.clear();
  }
}
