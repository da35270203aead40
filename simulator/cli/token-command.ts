// `pushsim token`: prints a bearer token the simulator accepts, for hand-written requests (`curl -H "authorization:
// bearer $(npx pushsim token)" …`): an APNs provider JWT by default, an FCM OAuth access token with --fcm.
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { fcmAccessToken, signProviderToken } from '../senders/index.js';
import type { ServiceAccountJson } from '../providers/fcm/index.js';
import type { CliOutput } from './cli-output.js';
import {
  controlBase,
  controlToken,
  defaultControlUrl,
  endpointUrl,
  fetchCa,
  mintApnsKey,
  mintServiceAccount,
  readSigningKey,
  unreachableMessage,
} from './control-client.js';

interface TokenFlags {
  control: string;
  accessToken?: string;
  key?: string;
  keyId?: string;
  teamId?: string;
  fcm?: boolean;
  project?: string;
  serviceAccount?: string;
}

function readServiceAccount(file: string): ServiceAccountJson {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(
      `--service-account: cannot read ${file} as JSON (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
  const account = parsed as Partial<ServiceAccountJson>;
  if (typeof account.client_email !== 'string' || typeof account.private_key !== 'string')
    throw new Error(
      `--service-account: ${file} has no client_email and private_key; use the JSON that POST /api/fcm/service-accounts answers`,
    );
  return account as ServiceAccountJson;
}

export function tokenCommand(output: CliOutput, setExitCode: (code: number) => void): Command {
  return new Command('token')
    .description(
      'print a bearer token pushsim accepts: an APNs provider JWT (valid 1 h), or with --fcm an FCM OAuth access token',
    )
    .option('--control <url>', 'pushsim control URL (env PUSHSIM_URL)', defaultControlUrl())
    .option(
      '--access-token <token>',
      'the access token of the pushsim at --control, when it runs with one (env PUSHSIM_TOKEN)',
    )
    .option(
      '--key <file.p8>',
      'sign with this key, one pushsim knows (config apns.keys or POST /api/apns/keys); default: pushsim mints one',
    )
    .option('--key-id <id>', 'key id of --key')
    .option('--team-id <id>', 'team id of --key')
    .option('--fcm', 'print an FCM OAuth access token instead (for authorization: Bearer on messages:send)')
    .option(
      '--project <id>',
      "with --fcm: the project of the minted service account (default: pushsim's default project)",
    )
    .option('--service-account <file.json>', 'with --fcm: use this service account instead of minting one')
    .action(async (flags: TokenFlags) => {
      try {
        const control = controlBase(flags.control);
        const access = controlToken(flags.accessToken);
        if (flags.fcm) {
          if (flags.key) throw new Error('--key signs APNs tokens; with --fcm pass --service-account');
          const [fcmUrl, ca] = await Promise.all([endpointUrl(control, 'fcm', access), fetchCa(control, access)]);
          if (!fcmUrl) throw new Error(`pushsim at ${control} serves no FCM endpoint`);
          const account = flags.serviceAccount
            ? readServiceAccount(flags.serviceAccount)
            : await mintServiceAccount(control, flags.project, access);
          if (!flags.serviceAccount)
            output.err(`pushsim: minted service account ${account.client_email} (project ${account.project_id})`);
          output.out(await fcmAccessToken(fcmUrl, ca, account));
        } else {
          let key = readSigningKey(flags);
          if (!key) {
            key = await mintApnsKey(control, access);
            output.err(`pushsim: minted key ${key.keyId} (team ${key.teamId}); the token is valid for an hour`);
          }
          output.out(signProviderToken(key));
        }
        setExitCode(0);
      } catch (error) {
        output.err(
          `pushsim token: ${unreachableMessage(controlBase(flags.control), error) ?? (error as Error).message}`,
        );
        setExitCode(2);
      }
    });
}
