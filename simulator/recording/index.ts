// Session recording: what is done through the control API and the wire, and the fates observed, as a scenario file.
export { Recordings, type RecordingsSettings } from './recordings.js';
export { DEFAULT_RECORDING_STEP_LIMIT, SessionRecorder, type SessionRecorderOptions } from './session-recorder.js';
export { writeScenario } from './scenario-writer.js';
export { sendStepOf, zimStepOf, expectationOf, type SendMapping } from './recorded-send.js';
export { faultStepOf } from './recorded-fault.js';
export * from './recorded-step.js';
export * from './recorded-activity.js';
