// ZIM's push-related request shapes and its own checks (zego-zim-react-native 2.28.0 ZIMDefines;
// docs/reference/zpns.md#zim-push-configuration): ZIMPushConfig
// with its defaults, ZIMMessageSendConfig (priority 1–3), ZIMCallInviteConfig (timeout 90, mode 0 by default).
import { z } from 'zod';

export const voipConfigSchema = z
  .object({
    iOSVoIPHandleType: z.number().int().min(1).max(3).default(1),
    iOSVoIPHandleValue: z.string().default(''),
    iOSVoIPHasVideo: z.boolean().default(false),
  })
  .strict();

/**
 * Every field is non-optional in ZIM's TypeScript but optional natively; defaults: strings "", badgeIncrement 0,
 * enableBadge false.
 */
export const pushConfigSchema = z
  .object({
    title: z.string().default(''),
    content: z.string().default(''),
    payload: z.string().default(''),
    resourcesID: z.string().max(32, 'resourcesID is at most 32 characters').default(''),
    threadID: z.string().default(''),
    enableBadge: z.boolean().default(false),
    badgeIncrement: z.number().int().default(0),
    voIPConfig: voipConfigSchema.optional(),
    privateMessageTemplate: z
      .object({ templateID: z.string(), titleParameters: z.string(), contentParameters: z.string() })
      .strict()
      .optional(),
  })
  .strict();

export type ZIMPushConfig = z.infer<typeof pushConfigSchema>;

export const messageSendConfigSchema = z
  .object({
    pushConfig: pushConfigSchema.optional(),
    priority: z
      .number()
      .int()
      .min(1, 'priority must be 1 (Low), 2 (Medium) or 3 (High)')
      .max(3, 'priority must be 1 (Low), 2 (Medium) or 3 (High)'),
    hasReceipt: z.boolean().optional(),
    isNotifyMentionedUsers: z.boolean().optional(),
    isRetrySend: z.boolean().optional(),
    disableUnreadMessageCount: z.boolean().optional(),
    isAllowMultipleMessagePartialFailed: z.boolean().optional(),
  })
  .strict();

export const zimMessageSchema = z
  .object({
    type: z.number().int().default(1),
    message: z.string().optional(),
    extendedData: z.string().optional(),
  })
  .passthrough();

export const sendMessageSchema = z
  .object({
    fromUserID: z.string().min(1).max(32),
    message: zimMessageSchema,
    toConversationID: z.string().min(1),
    /** 0 peer, 2 group (group members are the users logged in under the conversation id's membership list). */
    conversationType: z.union([z.literal(0), z.literal(2)]).default(0),
    config: messageSendConfigSchema,
  })
  .strict();

export const callInviteSchema = z
  .object({
    fromUserID: z.string().min(1).max(32),
    invitees: z.array(z.string().min(1)).min(1).max(9),
    config: z
      .object({
        timeout: z.number().int().min(1).max(600).default(90),
        mode: z.union([z.literal(0), z.literal(1)]).default(0),
        extendedData: z.string().default(''),
        enableNotReceivedCheck: z.boolean().optional(),
        pushConfig: pushConfigSchema.optional(),
      })
      .strict()
      .default({ timeout: 90, mode: 0, extendedData: '' }),
  })
  .strict();

export const callCancelSchema = z
  .object({
    fromUserID: z.string().min(1).max(32),
    callID: z.string().min(1),
    invitees: z.array(z.string().min(1)).min(1),
    config: z
      .object({ extendedData: z.string().default(''), pushConfig: pushConfigSchema.optional() })
      .strict()
      .default({ extendedData: '' }),
  })
  .strict();
