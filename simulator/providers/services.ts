// The services this simulator serves, in the order /api/endpoints, --help and the scenario reference list them. Adding
// a service is a folder with its module and one line here.
import { apnsService } from './apns/apns-module.js';
import { fcmService } from './fcm/fcm-module.js';
import { zpnsService } from './zpns/zpns-module.js';
import { hmsService } from './hms/hms-module.js';

export const SERVICES = [apnsService, fcmService, zpnsService, hmsService] as const;

export type BuiltInServices = typeof SERVICES;
