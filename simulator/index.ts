// pushsim's programmatic API: start the simulator in-process, or use the core pieces directly.
export {
  startSimulator,
  DEFAULT_PORTS,
  type SimulatorOptions,
  type SimulatorHandle,
  type SimulatorUrls,
} from './start-simulator.js';
export {
  Simulation,
  type SimulationOptions,
  type InstallInput,
  type SendInput,
  type AppConnection,
  type Delivery,
  type HandlerCompletion,
} from './engine/index.js';
export * from './core/index.js';
export {
  decideDelivery,
  rulesTable,
  PLATFORM_RULES,
  SDK_RULES,
  PLATFORM_CALLBACKS,
  type Outcome,
  type DeliveryInput,
} from './delivery/index.js';
export { iosAppMachine, androidAppMachine, lifecycleStates, lifecycleEvents } from './lifecycle/index.js';
export { createControlApp, type EndpointInfo } from './control/index.js';
export * from './model/index.js';
export {
  SHIM_PROTOCOL_VERSION,
  SHIM_PATH,
  type ShimClientMessage,
  type ShimServerMessage,
  type ShimErrorBody,
} from './shim-protocol/index.js';
export { PUSHSIM_VERSION } from './package-version.js';
export {
  runScenario,
  runScenarios,
  loadScenarioFile,
  scenarioJsonSchema,
  ScenarioFileError,
  type CaseResult,
  type RunOptions,
} from './scenario/index.js';
export { Recordings, SessionRecorder, writeScenario } from './recording/index.js';
