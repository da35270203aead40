// A session recording: what was done through the control API and the wire from the moment it started, kept as the
// steps of a scenario file (GET /api/recordings/:id/scenario).
import { z } from 'zod';
import { named } from './registry.js';

export type RecordingModel = z.infer<typeof RecordingSchema>;
export const RecordingSchema = named(
  'Recording',
  'A session recording: devices, apps, states, sends, clock moves and the fates observed, as a scenario file',
  z.strictObject({
    id: z.string().describe('the recording id (`rec-1`…), for the routes under /api/recordings/{id}'),
    status: z
      .enum(['recording', 'stopped'])
      .describe(
        '`recording` while it adds steps; `stopped` after POST /api/recordings/{id}/stop, or by itself at its step limit (`stoppedBecause` says so)',
      ),
    startedAt: z.string().describe("when it started, on the simulator's clock (ISO 8601)"),
    stoppedAt: z.string().optional().describe("when it stopped, on the simulator's clock (ISO 8601)"),
    stoppedBecause: z
      .string()
      .optional()
      .describe(
        'why it stopped by itself (`step limit 10000 reached`: a recording keeps at most that many steps, startSimulator({ recordings: { stepLimit } })); absent when it was stopped through the API; the scenario ends with a comment saying the same',
      ),
    stepLimit: z.number().int().describe('the most steps it writes before it stops by itself'),
    steps: z.number().int().describe('how many scenario steps it holds (sends, expectations, state changes, advances)'),
    skipped: z
      .number()
      .int()
      .describe('how many things it could not express as a step; the scenario names each in a YAML comment'),
  }),
);

export type RecordingListModel = z.infer<typeof RecordingListSchema>;
export const RecordingListSchema = named(
  'RecordingList',
  'Every session recording the simulator holds, newest first',
  z.strictObject({ recordings: z.array(RecordingSchema).describe('the recordings, newest first') }),
);
