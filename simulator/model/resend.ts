// The answer to POST /api/pushes/{id}/resend: the same push sent again along its service's path, and what came of it.
import { z } from 'zod';
import { named } from './registry.js';

export type ResendModel = z.infer<typeof ResendSchema>;
export const ResendSchema = named(
  'Resend',
  'The answer to POST /api/pushes/{id}/resend',
  z.strictObject({
    resentFrom: z.string().describe('the id of the push sent again'),
    pushId: z.string().optional().describe('the id of the new push in the ledger, when the service took it'),
    status: z
      .number()
      .int()
      .describe(
        'the HTTP status the service answers the send with: 200 taken, 410 the app was uninstalled, 400 the token is unknown',
      ),
    answer: z
      .record(z.string(), z.unknown())
      .describe(
        'the service\'s answer: `{ "apns-id" }` (APNs), `{ name }` (FCM, HMS), `{ id }` (others) when taken; `{ reason }` when not',
      ),
  }),
);
