// The services this simulator serves, in the order /api/endpoints, --help and the scenario reference list them. Adding
// a service is a folder with its module and one line here.
import { apnsService } from './apns/index.js';
import { fcmService } from './fcm/index.js';
import { zpnsService } from './zpns/index.js';
import { hmsService } from './hms/index.js';

export const SERVICES = [apnsService, fcmService, zpnsService, hmsService] as const;

export type BuiltInServices = typeof SERVICES;
