// The rules as one serialisable table: what GET /api/rules serves, the docs render and the dashboard shows.
import { PLATFORM_RULES, PLATFORM_CALLBACKS } from './platform-rules.js';
import { SDK_RULES } from './sdk-rules.js';
import { DELIVERY_CONDITIONS } from './delivery-conditions.js';

export function rulesTable() {
  return {
    platformCallbacks: PLATFORM_CALLBACKS,
    conditions: Object.keys(DELIVERY_CONDITIONS),
    platformRules: PLATFORM_RULES,
    sdkRules: SDK_RULES,
  };
}
