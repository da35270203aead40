// `pushsim push`: sends one push to pushsim's APNs endpoint over the real wire, from flags or an Xcode `.apns` file,
// and prints Apple's answer and the push's fate in the ledger.
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { sendApns } from '../senders/index.js';
import type { CliOutput } from './cli-output.js';
import {
  controlBase,
  controlToken,
  defaultControlUrl,
  endpointUrl,
  fetchCa,
  getJson,
  mintApnsKey,
  readSigningKey,
  unreachableMessage,
} from './control-client.js';

interface PushFlags {
  control: string;
  accessToken?: string;
  url?: string;
  production?: boolean;
  token?: string;
  topic?: string;
  pushType?: string;
  priority?: string;
  expiration?: string;
  collapseId?: string;
  apnsId?: string;
  payload?: string;
  key?: string;
  keyId?: string;
  teamId?: string;
  ca?: string;
}

/** Reads a payload: inline JSON, @file, or an Xcode .apns file (whose "Simulator Target Bundle" names the topic). */
export function readPayload(
  file: string | undefined,
  inline: string | undefined,
): { payload: Record<string, unknown>; bundle?: string } {
  const text = file
    ? readFileSync(file, 'utf8')
    : inline?.startsWith('@')
      ? readFileSync(inline.slice(1), 'utf8')
      : (inline ?? '{"aps":{"alert":"Hello from pushsim"}}');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`the payload${file ? ` in ${file}` : ''} is not valid JSON: ${(error as Error).message}`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new Error('the payload must be a JSON object with an "aps" dictionary');
  const { 'Simulator Target Bundle': bundle, ...payload } = parsed as Record<string, unknown>;
  return typeof bundle === 'string' ? { payload, bundle } : { payload };
}

export function pushCommand(output: CliOutput, setExitCode: (code: number) => void): Command {
  return new Command('push')
    .description("send one push to pushsim's APNs endpoint over HTTP/2 and print Apple's answer")
    .argument('[file.apns]', 'an Xcode .apns file (JSON with "aps" and "Simulator Target Bundle")')
    .option(
      '--control <url>',
      'pushsim control URL (for the CA, the token lookup and a minted key; env PUSHSIM_URL)',
      defaultControlUrl(),
    )
    .option(
      '--access-token <token>',
      "the access token of the pushsim at --control, when it runs with one (env PUSHSIM_TOKEN; --token is the push's device token)",
    )
    .option('--url <url>', 'APNs endpoint (default: the one pushsim lists for the environment)')
    .option('--production', 'send to the production endpoint')
    .option('--token <hex>', 'device token (default: the token of the installed app whose bundle id is the topic)')
    .option('--topic <topic>', "apns-topic (default: the .apns file's Simulator Target Bundle)")
    .option('--push-type <type>', 'apns-push-type (alert, background, voip...)')
    .option('--priority <n>', 'apns-priority (10, 5 or 1)')
    .option('--expiration <seconds>', 'apns-expiration (UNIX seconds; 0 = one attempt)')
    .option('--collapse-id <id>', 'apns-collapse-id')
    .option('--apns-id <uuid>', 'apns-id')
    .option('--payload <json|@file>', 'the payload, inline JSON or @file')
    .option('--key <file.p8>', 'signing key (default: pushsim mints one)')
    .option('--key-id <id>', 'key id of --key')
    .option('--team-id <id>', 'team id of --key')
    .option('--ca <file>', "CA certificate to trust (default: pushsim's, from the control URL)")
    .action(async (file: string | undefined, flags: PushFlags) => {
      try {
        const control = controlBase(flags.control);
        const access = controlToken(flags.accessToken);
        const { payload, bundle } = readPayload(file, flags.payload);
        const topic = flags.topic ?? bundle;
        if (!topic)
          throw new Error('no topic: pass --topic <bundle id> or an .apns file with "Simulator Target Bundle"');
        const bundleId = topic.replace(
          /\.(voip|complication|pushkit\.fileprovider|location-query|push-type\.\w+|voip-ptt)$/,
          '',
        );
        let token = flags.token;
        if (!token) {
          const apps = await getJson<{ bundleId: string; platform: string; tokens: { apns?: string } }[]>(
            `${control}/api/apps`,
            undefined,
            access,
          );
          token = apps.find((a) => a.bundleId === bundleId && a.tokens.apns)?.tokens.apns;
          if (!token)
            throw new Error(
              `no installed iOS app with bundle id ${bundleId} has an APNs token; install one or pass --token`,
            );
        }
        const url = flags.url ?? (await endpointUrl(control, flags.production ? 'apns-production' : 'apns', access));
        if (!url) throw new Error('pushsim lists no APNs endpoint; pass --url');
        const ca = flags.ca ? readFileSync(flags.ca, 'utf8') : await fetchCa(control, access);
        let key = readSigningKey(flags);
        if (!key) {
          key = await mintApnsKey(control, access);
          output.err(`pushsim: signed with a newly minted key ${key.keyId} (team ${key.teamId})`);
        }
        const headers: Record<string, string> = { 'apns-topic': topic };
        if (flags.pushType) headers['apns-push-type'] = flags.pushType;
        if (flags.priority) headers['apns-priority'] = flags.priority;
        if (flags.expiration) headers['apns-expiration'] = flags.expiration;
        if (flags.collapseId) headers['apns-collapse-id'] = flags.collapseId;
        if (flags.apnsId) headers['apns-id'] = flags.apnsId;
        const answer = await sendApns({ url, token, headers, payload: JSON.stringify(payload), ca, key });
        output.out(
          `${answer.status}${answer.apnsId ? ` apns-id: ${answer.apnsId}` : ''}${answer.body ? ` ${answer.body}` : ''}`,
        );
        if (answer.status === 200 && answer.apnsId) {
          const entry = await getJson<{ fate: { name: string; callback?: string; reason?: string } }>(
            `${control}/api/pushes/${answer.apnsId}`,
            undefined,
            access,
          ).catch(() => undefined);
          if (entry)
            output.out(
              `fate: ${entry.fate.name}${entry.fate.callback ? ` → ${entry.fate.callback}` : ''}${entry.fate.reason ? ` (${entry.fate.reason})` : ''}`,
            );
        }
        setExitCode(answer.status === 200 ? 0 : 1);
      } catch (error) {
        output.err(
          `pushsim push: ${unreachableMessage(controlBase(flags.control), error) ?? (error as Error).message}`,
        );
        setExitCode(2);
      }
    });
}
