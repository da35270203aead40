// The public model the page reads (simulator/model/), as types only: nothing of zod or the simulator is bundled.
export type {
  ActivityModel,
  BroadcastChannelModel,
  AppModel,
  ChaosModel,
  ClockModel,
  DeviceModel,
  EndpointModel,
  FateModel,
  LedgerEntryModel,
  RuleModel,
  RulesTableModel,
  SentPushModel,
} from '../../simulator/model/index.js';
