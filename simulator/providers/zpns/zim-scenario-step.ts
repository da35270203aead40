// The scenario's `zim` step: a ZIM-shaped send (sendMessage to a peer, or callInvite) to the ZPNs endpoints.
import { z } from 'zod';
import type { ScenarioStep, ScenarioStepContext } from '../service-module.js';

const json = z.record(z.string(), z.unknown());
const repeat = z.number().int().min(1).max(10_000).optional().describe('send this many times; `as` names the last');
const as = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a name like p1 or silentPush')
  .optional()
  .describe('name to refer to this push in expectations');

export const zimStepSchema = z
  .object({
    from: z.string().min(1).describe('sender userID'),
    to: z.string().optional().describe('receiver userID (a peer conversation)'),
    invitees: z.array(z.string()).optional().describe('call invitees'),
    call: z.boolean().optional().describe('a call invitation instead of a message'),
    message: json.optional().describe('the ZIM message ({ type: 1, message: "..." } by default)'),
    priority: z.number().int().optional().describe('ZIMMessagePriority 1–3 (2 by default)'),
    pushConfig: json.optional().describe('ZIMPushConfig: resourcesID, title, content, payload, voIPConfig...'),
    repeat,
    as,
  })
  .strict()
  .describe('a ZIM-shaped send: sendMessage to `to`, or callInvite to `invitees` with call: true');

type ZimStep = z.infer<typeof zimStepSchema>;

async function runZimStep(ctx: ScenarioStepContext, spec: ZimStep): Promise<string | undefined> {
  const path = spec.call ? 'call-invitations' : 'messages';
  const pushConfig = spec.pushConfig ?? {};
  const body = spec.call
    ? { fromUserID: spec.from, invitees: spec.invitees ?? (spec.to ? [spec.to] : []), config: { pushConfig } }
    : {
        fromUserID: spec.from,
        toConversationID: spec.to,
        conversationType: 0,
        message: spec.message ?? { type: 1, message: 'pushsim' },
        config: { priority: spec.priority ?? 2, pushConfig },
      };
  const response = await fetch(`${ctx.sim.urls.api}/zpns/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = (await response.json()) as { results?: { pushId?: string }[]; error?: { message: string } };
  ctx.record(spec.as, {
    pushIds: (answer.results ?? []).map((r) => r.pushId).filter((p): p is string => !!p),
    status: response.status,
  });
  return response.ok || spec.as ? undefined : `zim: ${answer.error?.message}`;
}

export const zimScenarioStep = { kind: 'zim', schema: zimStepSchema, run: runZimStep } satisfies ScenarioStep;
