// A ZIM-shaped sender: what a ZIM app (or a backend) calls to send a message or a call invitation with a ZIMPushConfig,
// with ZIM's own client-side checks and defaults (zego-zim-react-native 2.28.0;
// docs/reference/zpns.md#zim-push-configuration), sent to pushsim's ZPNs
// endpoint. The receiving side is an app logged in with `AppProcess.loginZim(userID)` or POST /api/zpns/users.

import { accessToken } from './shim-connection.js';

/** ZIM's "parameter invalid" error (ZIMErrorCode.ParamInvalid). */
export const ZIM_PARAM_INVALID = 6000001;

export interface ZIMPushConfig {
  title?: string;
  content?: string;
  payload?: string;
  resourcesID?: string;
  threadID?: string;
  enableBadge?: boolean;
  badgeIncrement?: number;
  voIPConfig?: { iOSVoIPHandleType: number; iOSVoIPHandleValue: string; iOSVoIPHasVideo: boolean };
}
export interface ZIMMessageSendConfig {
  pushConfig?: ZIMPushConfig;
  priority: 1 | 2 | 3;
  hasReceipt?: boolean;
}
export interface ZIMCallInviteConfig {
  timeout?: number;
  mode?: 0 | 1;
  extendedData?: string;
  pushConfig?: ZIMPushConfig;
}
export interface ZIMMessage {
  type: number;
  message?: string;
  extendedData?: string;
}

export class ZIMError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'ZIMError';
  }
}

export class ZIMSender {
  private userID: string | undefined;

  private constructor(private readonly api: string) {}

  /** `simulator`: pushsim's control URL, e.g. http://127.0.0.1:4800. */
  static create(simulator: string): ZIMSender {
    return new ZIMSender(`${simulator.replace(/\/+$/, '')}/api`);
  }

  async login(userID: string): Promise<void> {
    if (!userID || userID.length > 32) throw new ZIMError(ZIM_PARAM_INVALID, 'userID must be 1–32 characters');
    this.userID = userID;
  }

  /** ZIM: `config` is required and its priority must be 1–3, or the call rejects with a param-invalid error. */
  async sendMessage(
    message: ZIMMessage,
    toConversationID: string,
    conversationType: 0 | 2,
    config: ZIMMessageSendConfig,
  ) {
    const from = this.requireLogin();
    if (!config || typeof config !== 'object')
      throw new ZIMError(ZIM_PARAM_INVALID, 'sendMessage needs a config (ZIMMessageSendConfig)');
    if (![1, 2, 3].includes(config.priority))
      throw new ZIMError(ZIM_PARAM_INVALID, 'config.priority must be 1 (Low), 2 (Medium) or 3 (High)');
    return this.post('/zpns/messages', { fromUserID: from, message, toConversationID, conversationType, config });
  }

  /** ZIM merges `{ mode: 0, timeout: 90 }` and fills pushConfig.payload and resourcesID with '' when absent. */
  async callInvite(invitees: string[], config: ZIMCallInviteConfig = {}) {
    const from = this.requireLogin();
    const merged = { mode: 0, timeout: 90, extendedData: '', ...config };
    if (merged.pushConfig)
      merged.pushConfig = {
        ...merged.pushConfig,
        payload: merged.pushConfig.payload || '',
        resourcesID: merged.pushConfig.resourcesID || '',
      };
    return this.post('/zpns/call-invitations', { fromUserID: from, invitees, config: merged }) as Promise<{
      callID: string;
      timeout: number;
      mode: number;
      results: unknown[];
    }>;
  }

  async callCancel(
    invitees: string[],
    callID: string,
    config: { extendedData?: string; pushConfig?: ZIMPushConfig } = {},
  ) {
    const from = this.requireLogin();
    return this.post('/zpns/call-cancellations', {
      fromUserID: from,
      invitees,
      callID,
      config: { extendedData: '', ...config },
    });
  }

  private requireLogin(): string {
    if (!this.userID) throw new ZIMError(ZIM_PARAM_INVALID, 'call login(userID) first');
    return this.userID;
  }

  private async post(path: string, body: unknown): Promise<any> {
    const token = accessToken();
    const response = await fetch(`${this.api}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    const json = (await response.json()) as { error?: { message: string } };
    if (!response.ok)
      throw new ZIMError(ZIM_PARAM_INVALID, json.error?.message ?? `pushsim answered ${response.status}`);
    return json;
  }
}
