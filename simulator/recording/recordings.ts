// The simulator's session recordings: one records at a time; stopped ones are kept (their scenario can still be
// fetched) until deleted.
import { ErrorCodes, SimulatorError } from '../core/index.js';
import type { Simulation } from '../engine/index.js';
import type { ServiceScenarioSetup } from '../providers/index.js';
import { DEFAULT_RECORDING_STEP_LIMIT, SessionRecorder } from './session-recorder.js';
import { writeScenario } from './scenario-writer.js';

/** Stopped recordings kept; the oldest go first (each holds its steps). */
const KEPT_RECORDINGS = 20;

export interface RecordingsSettings {
  /** The most steps one recording writes before it stops by itself (DEFAULT_RECORDING_STEP_LIMIT by default). */
  stepLimit?: number;
}

export class Recordings {
  private readonly recordings = new Map<string, SessionRecorder>();
  private count = 0;
  private readonly stepLimit: number;

  constructor(
    private readonly sim: Simulation,
    private readonly serviceSetup: () => readonly ServiceScenarioSetup[] = () => [],
    settings: RecordingsSettings = {},
  ) {
    this.stepLimit = settings.stepLimit ?? DEFAULT_RECORDING_STEP_LIMIT;
    if (!Number.isSafeInteger(this.stepLimit) || this.stepLimit < 1)
      throw new SimulatorError(
        ErrorCodes.INVALID_INPUT,
        `recordings.stepLimit must be a whole number from 1 (got ${String(settings.stepLimit)}); leave it out for ${DEFAULT_RECORDING_STEP_LIMIT}`,
        'recordings.stepLimit',
      );
  }

  /** Starts recording now; refused while another one records. */
  start(): SessionRecorder {
    const running = [...this.recordings.values()].find((r) => r.status === 'recording');
    if (running)
      throw new SimulatorError(
        ErrorCodes.RECORDING_IN_PROGRESS,
        `recording ${running.id} is running; stop it (POST /api/recordings/${running.id}/stop) before starting another`,
      );
    const recorder = new SessionRecorder({
      id: `rec-${++this.count}`,
      simulation: this.sim,
      serviceSetup: this.serviceSetup,
      stepLimit: this.stepLimit,
    });
    this.recordings.set(recorder.id, recorder);
    const stopped = [...this.recordings.values()].filter((r) => r.status === 'stopped');
    for (const old of stopped.slice(0, Math.max(0, stopped.length - KEPT_RECORDINGS))) this.recordings.delete(old.id);
    return recorder;
  }

  /** Newest first. */
  list(): SessionRecorder[] {
    return [...this.recordings.values()].reverse();
  }

  get(id: string): SessionRecorder {
    const recorder = this.recordings.get(id);
    if (!recorder)
      throw new SimulatorError(
        ErrorCodes.RECORDING_NOT_FOUND,
        `no recording "${id}"; GET /api/recordings lists them`,
        'id',
      );
    return recorder;
  }

  stop(id: string): SessionRecorder {
    const recorder = this.get(id);
    recorder.stop();
    return recorder;
  }

  /** The recording's scenario file (a snapshot while it records). */
  scenarioYaml(id: string): string {
    return writeScenario(this.get(id).scenario());
  }

  delete(id: string): void {
    this.get(id).stop();
    this.recordings.delete(id);
  }

  /** Stops every recording (the simulator is closing). */
  stopAll(): void {
    for (const recorder of this.recordings.values()) recorder.stop();
  }
}
