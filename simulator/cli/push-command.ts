// `pushsim push`: sends one push to pushsim's APNs endpoint over the real wire, from flags or an Xcode `.apns` file,
// and prints Apple's answer and the push's fate in the ledger; `--service <name>` sends through another service's
// wire instead, with the sender its module declares (`cliSender`, providers/service-module.ts).
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import http2wrapper from 'http2-wrapper';
import { sendApns } from '../senders/index.js';
import { SERVICES, type CliSender, type ServiceModule } from '../providers/index.js';
import type { CliOutput } from './cli-output.js';
import { liveActivityPush } from './live-activity-template.js';
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
  service?: string;
  package?: string;
  template?: string;
  activity?: string;
  event?: string;
  contentState?: string;
  attributesType?: string;
  attributes?: string;
  channel?: string;
}

/** The services `--service` sends through besides APNs (whose path is this file's own): those with a `cliSender`. */
const SENDING_SERVICES = (SERVICES as readonly ServiceModule[]).filter(
  (module): module is ServiceModule & { cliSender: CliSender } => module.cliSender !== undefined,
);

/** The flags only the APNs path reads, by commander's key, as a person spells them. */
const APNS_ONLY_FLAGS: Record<string, string> = {
  production: '--production',
  topic: '--topic',
  pushType: '--push-type',
  priority: '--priority',
  expiration: '--expiration',
  collapseId: '--collapse-id',
  apnsId: '--apns-id',
  key: '--key',
  keyId: '--key-id',
  teamId: '--team-id',
};

/** Each service's own flags (`--app-id <id>`), once each, with the services that read it. */
function serviceOptions(): { option: Option; services: string[] }[] {
  const byFlag = new Map<string, { option: Option; services: string[] }>();
  for (const module of SENDING_SERVICES)
    for (const { flag, description } of module.cliSender.flags) {
      const known = byFlag.get(flag);
      if (known) known.services.push(module.name);
      else byFlag.set(flag, { option: new Option(flag, description), services: [module.name] });
    }
  return [...byFlag.values()];
}

/** `--payload` for a service other than APNs: inline JSON or @file, a JSON object (the service's message). */
function readMessage(inline: string | undefined, module: ServiceModule & { cliSender: CliSender }) {
  if (inline === undefined) return { ...module.cliSender.defaultPayload };
  const text = inline.startsWith('@') ? readFileSync(inline.slice(1), 'utf8') : inline;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`--payload is not valid JSON: ${(error as Error).message}`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new Error(`--payload must be a JSON object: the ${module.title} message (as in its messages:send body)`);
  return parsed as Record<string, unknown>;
}

/** Prints the push's fate from the ledger, when pushsim has the entry. */
/**
 * `--template liveactivity --channel <id>`: POST /4/broadcasts/apps/<bundle id> with apns-channel-id; prints APNs's
 * answer and the fate of the push each subscribed activity got (the ledger files them under the channel id and the
 * request id). Returns the exit code.
 */
async function sendBroadcast(
  output: CliOutput,
  control: string,
  access: string | undefined,
  flags: PushFlags,
  broadcast: { channelId: string; bundleId: string; environment: 'sandbox' | 'production' },
  payload: Record<string, unknown>,
): Promise<number> {
  const production = flags.production === true || broadcast.environment === 'production';
  const url = flags.url ?? (await endpointUrl(control, production ? 'apns-production' : 'apns', access));
  if (!url) throw new Error('pushsim lists no APNs endpoint; pass --url');
  const ca = flags.ca ? readFileSync(flags.ca, 'utf8') : await fetchCa(control, access);
  let key = readSigningKey(flags);
  if (!key) {
    key = await mintApnsKey(control, access);
    output.err(`pushsim: signed with a newly minted key ${key.keyId} (team ${key.teamId})`);
  }
  const requestId = randomUUID();
  const headers: Record<string, string> = {
    'apns-channel-id': broadcast.channelId,
    'apns-push-type': 'liveactivity',
    'apns-request-id': requestId,
  };
  if (flags.priority) headers['apns-priority'] = flags.priority;
  if (flags.expiration) headers['apns-expiration'] = flags.expiration;
  const agent = new http2wrapper.Agent();
  const answer = await sendApns({
    url,
    token: '',
    path: `/4/broadcasts/apps/${encodeURIComponent(broadcast.bundleId)}`,
    headers,
    payload: JSON.stringify(payload),
    ca,
    key,
    agent,
  }).finally(() => agent.destroy());
  output.out(
    `${answer.status} apns-request-id: ${answer.requestId ?? requestId}${answer.body ? ` ${answer.body}` : ''}`,
  );
  if (answer.status !== 200) return 1;
  const entries = await getJson<
    { appId?: string; push: { headers?: Record<string, string> }; fate: { name: string; reason?: string } }[]
  >(`${control}/api/pushes?provider=apns&token=${encodeURIComponent(broadcast.channelId)}`, undefined, access).catch(
    () => [],
  );
  const mine = entries.filter((e) => e.push.headers?.['apns-request-id'] === requestId);
  for (const entry of mine)
    output.out(
      `fate: ${entry.fate.name}${entry.appId ? ` (${entry.appId})` : ''}${entry.fate.reason ? ` (${entry.fate.reason})` : ''}`,
    );
  return 0;
}

async function printFate(output: CliOutput, control: string, access: string | undefined, pushId: string) {
  const entry = await getJson<{ fate: { name: string; callback?: string; reason?: string } }>(
    `${control}/api/pushes/${encodeURIComponent(pushId)}`,
    undefined,
    access,
  ).catch(() => undefined);
  if (entry)
    output.out(
      `fate: ${entry.fate.name}${entry.fate.callback ? ` → ${entry.fate.callback}` : ''}${entry.fate.reason ? ` (${entry.fate.reason})` : ''}`,
    );
}

/**
 * `pushsim push --service <name>`: checks the flags belong to that service, finds the device token by package, then
 * hands over to the module's sender; returns the exit code (0 accepted, 1 refused).
 */
async function pushThroughService(
  output: CliOutput,
  file: string | undefined,
  flags: PushFlags & Record<string, unknown>,
  options: readonly { option: Option; services: string[] }[],
): Promise<number> {
  const names = ['apns', ...SENDING_SERVICES.map((m) => m.name)].join(', ');
  const module = SENDING_SERVICES.find((m) => m.name === flags.service);
  if (!module) throw new Error(`--service: pushsim push does not send through "${flags.service}"; use one of ${names}`);
  if (file) throw new Error(`${file}: an .apns file is for APNs; with --service ${module.name} pass --payload`);
  for (const [key, flag] of Object.entries(APNS_ONLY_FLAGS))
    if (flags[key] !== undefined)
      throw new Error(
        `${flag} is an APNs flag; with --service ${module.name} name the app with --package${key === 'topic' ? ' (a topic to send to goes in --payload)' : ''}`,
      );
  for (const { option, services } of options)
    if (flags[option.attributeName()] !== undefined && !services.includes(module.name))
      throw new Error(`${option.long} is a flag of --service ${services.join(' or ')}, not of ${module.name}`);
  const control = controlBase(flags.control);
  const access = controlToken(flags.accessToken);
  const payload = readMessage(flags.payload, module);
  const kind = module.tokenKinds[0]!.name;
  let token = flags.token;
  let app: { bundleId: string; fcmProject?: string } | undefined;
  if (!token) {
    if (!flags.package)
      throw new Error(`no app: pass --package <name> (the app whose ${module.title} token gets the push) or --token`);
    const apps = await getJson<{ bundleId: string; fcmProject?: string; tokens: Record<string, string> }[]>(
      `${control}/api/apps`,
      undefined,
      access,
    );
    const found = apps.find((a) => a.bundleId === flags.package && a.tokens[kind]);
    if (!found)
      throw new Error(
        `no installed app with package ${flags.package} has a ${module.title} token; install one or pass --token`,
      );
    token = found.tokens[kind]!;
    app = { bundleId: found.bundleId, ...(found.fcmProject ? { fcmProject: found.fcmProject } : {}) };
  }
  const endpoint = module.endpoints[0]?.name;
  const url = flags.url ?? (endpoint ? await endpointUrl(control, endpoint, access) : undefined);
  if (!url) throw new Error(`pushsim lists no ${module.title} endpoint; pass --url`);
  const ca = flags.ca ? readFileSync(flags.ca, 'utf8') : await fetchCa(control, access);
  const own = Object.fromEntries(
    module.cliSender.flags.map(({ flag }) => {
      const key = new Option(flag).attributeName();
      return [key, typeof flags[key] === 'string' ? (flags[key] as string) : undefined];
    }),
  );
  const answer = await module.cliSender.send({
    url,
    ca,
    payload,
    token,
    ...(app ? { app } : {}),
    flags: own,
    controlPost: (path, body) =>
      getJson(
        `${control}/api/${path}`,
        { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } },
        access,
      ),
    note: (line) => output.err(line),
  });
  output.out(`${answer.status}${answer.body ? ` ${answer.body}` : ''}`);
  for (const pushId of answer.pushIds) await printFate(output, control, access, pushId);
  return answer.isAccepted ? 0 : 1;
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
  const options = serviceOptions();
  const command = new Command('push')
    .description(
      "send one push to pushsim's APNs endpoint over HTTP/2 and print Apple's answer (--service: through another service)",
    )
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
    .option(
      '--service <name>',
      `send through this service's wire instead of APNs: ${SENDING_SERVICES.map((m) => m.name).join(' or ')} (--payload is its message; the APNs flags do not apply)`,
    )
    .option(
      '--template <name>',
      'liveactivity: an ActivityKit push to --activity <id> (or push-to-start: --topic <bundle> --attributes-type <T>)',
    )
    .option('--activity <id>', 'with --template liveactivity: the Live Activity (GET /api/activities) the push goes to')
    .option('--event <event>', 'with --template liveactivity: aps.event, update (default), end or start')
    .option('--content-state <json>', 'with --template liveactivity: aps.content-state')
    .option('--attributes-type <type>', 'with --template liveactivity: a push-to-start of this ActivityAttributes type')
    .option('--attributes <json>', 'with --template liveactivity and --attributes-type: aps.attributes')
    .option(
      '--channel <id>',
      'with --template liveactivity: a broadcast to this channel (apns-channel-id, GET /api/apns/channels), reaching every activity subscribed',
    )
    .option(
      '--package <name>',
      "with --service: the package name of the installed app whose token the push goes to (--topic is APNs' apns-topic; a Push Kit or FCM topic goes in --payload)",
    );
  for (const { option } of options) command.addOption(option);
  return command.action(async (file: string | undefined, flags: PushFlags & Record<string, unknown>) => {
    try {
      if (flags.service !== undefined && flags.service !== 'apns') {
        setExitCode(await pushThroughService(output, file, flags, options));
        return;
      }
      if (flags.package !== undefined)
        throw new Error('--package names the app for --service hms or fcm; for APNs pass --topic <bundle id>');
      for (const { option, services } of options)
        if (flags[option.attributeName()] !== undefined)
          throw new Error(`${option.long} is a flag of --service ${services.join(' or ')}`);
      const control = controlBase(flags.control);
      const access = controlToken(flags.accessToken);
      if (flags.template !== undefined && flags.template !== 'liveactivity')
        throw new Error(`--template ${flags.template}: the template pushsim push knows is liveactivity`);
      const template =
        flags.template === 'liveactivity'
          ? await liveActivityPush(
              control,
              access,
              flags,
              file || flags.payload !== undefined ? readPayload(file, flags.payload).payload : undefined,
            )
          : undefined;
      if (template && 'broadcast' in template) {
        setExitCode(await sendBroadcast(output, control, access, flags, template.broadcast, template.payload));
        return;
      }
      if (template) {
        flags.token = template.token;
        flags.topic = template.topic;
        flags.pushType ??= 'liveactivity';
      }
      const { payload, bundle } = template
        ? { payload: template.payload, bundle: undefined }
        : readPayload(file, flags.payload);
      const topic = flags.topic ?? bundle;
      if (!topic) throw new Error('no topic: pass --topic <bundle id> or an .apns file with "Simulator Target Bundle"');
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
      // A connection of its own, closed after the push: a pooled one would carry this run's key and provider token into
      // the next `push` of the same process (runCli in-process: UnrelatedKeyIdInToken, TooManyProviderTokenUpdates).
      const agent = new http2wrapper.Agent();
      const answer = await sendApns({ url, token, headers, payload: JSON.stringify(payload), ca, key, agent }).finally(
        () => agent.destroy(),
      );
      output.out(
        `${answer.status}${answer.apnsId ? ` apns-id: ${answer.apnsId}` : ''}${answer.body ? ` ${answer.body}` : ''}`,
      );
      if (answer.status === 200 && answer.apnsId) await printFate(output, control, access, answer.apnsId);
      setExitCode(answer.status === 200 ? 0 : 1);
    } catch (error) {
      output.err(`pushsim push: ${unreachableMessage(controlBase(flags.control), error) ?? (error as Error).message}`);
      setExitCode(2);
    }
  });
}
