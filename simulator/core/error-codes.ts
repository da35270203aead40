// The one catalogue of pushsim's own error codes: each code's HTTP status and what a person should do about it.
// REST errors (`{ error: { code, message, field? } }`), the shim's error frames and replies, and SimulatorError all
// take their code from here; GET /api/errors serves it and docs/control-api.md renders it. A code is one of its keys,
// so an unlisted code is a compile error. Wire errors of the services (APNs reasons, FCM codes) are not in it.

/** One entry: the status a control request answers with, what the code means and what to do about it. */
export interface ErrorCodeSpec {
  /** The HTTP status of the control API's answer (a shim frame carries no status, but the code means the same). */
  readonly status: number;
  /** What went wrong, in one line. */
  readonly meaning: string;
  /** What to do about it. */
  readonly fix: string;
}

export const ERROR_CATALOGUE = {
  // Requests in general
  INVALID_INPUT: {
    status: 400,
    meaning: 'a field of the request is missing, of the wrong type or outside what is allowed',
    fix: 'correct the field the error names; the message says what is allowed (GET /api/openapi.json has every schema)',
  },
  INVALID_JSON: {
    status: 400,
    meaning: 'the body (or shim message) is not valid JSON',
    fix: 'send one JSON object (content-type: application/json)',
  },
  BODY_TOO_LARGE: { status: 413, meaning: 'the request body is larger than 1 MB', fix: 'send a smaller body' },
  UNSUPPORTED_ENCODING: {
    status: 415,
    meaning: 'the body uses a content encoding or charset pushsim cannot read',
    fix: 'send UTF-8 JSON without a content-encoding, or with gzip, deflate or br',
  },
  BAD_REQUEST: {
    status: 400,
    meaning: 'the HTTP request itself could not be read',
    fix: 'check the request line and headers; the message says what the parser refused',
  },
  JSON_TOO_DEEP: {
    status: 400,
    meaning: 'the JSON body (or shim message) nests deeper than 64 levels or holds more than 100,000 values',
    fix: 'flatten the body; no push or request of any service needs that much nesting',
  },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    meaning: 'the body is not sent as JSON (content-type: application/json)',
    fix: 'send the body with content-type: application/json (curl --json, fetch with that header)',
  },
  UNAUTHORIZED: {
    status: 401,
    meaning: 'this pushsim runs with an access token and the request did not carry it',
    fix: 'send Authorization: Bearer <token> (ws: ?token=<token>); the token is the --token / PUSHSIM_TOKEN pushsim was started with',
  },
  FORBIDDEN_ORIGIN: {
    status: 403,
    meaning: 'a browser page of another origin (or a request for another host name) tried to reach the control plane',
    fix: 'call the control plane from the command line, Node or the same origin; allow an origin with --cors-origin, a host name with --allowed-host',
  },
  NOT_FOUND: {
    status: 404,
    meaning: 'no route serves this method and path',
    fix: 'check the path; GET /api lists the entry points and GET /api/openapi.json every route',
  },
  INTERNAL: {
    status: 500,
    meaning: 'pushsim hit a bug handling the request; the server is still running',
    fix: 'report it with the request that caused it (the server log has the stack)',
  },
  // Devices and apps
  DEVICE_EXISTS: {
    status: 409,
    meaning: 'a device with this id already exists',
    fix: 'choose another id, or leave it out and let pushsim pick one',
  },
  DEVICE_NOT_FOUND: {
    status: 404,
    meaning: 'no device has this id',
    fix: 'list devices with GET /api/devices, or create one with POST /api/devices',
  },
  APP_EXISTS: {
    status: 409,
    meaning: 'an app with this id already exists',
    fix: 'choose another id, or leave it out and let pushsim pick one',
  },
  APP_ALREADY_INSTALLED: {
    status: 409,
    meaning: 'this bundle id is already installed on the device',
    fix: 'uninstall it first (DELETE /api/apps/{id}), or use the installed app',
  },
  APP_NOT_FOUND: {
    status: 404,
    meaning: 'no app has this id',
    fix: 'list apps with GET /api/apps, or install one with POST /api/devices/{id}/apps',
  },
  PROFILE_PLATFORM_MISMATCH: {
    status: 400,
    meaning: 'the SDK profile belongs to the other platform',
    fix: 'install native-ios apps on iOS devices and native-android apps on Android devices',
  },
  TOKEN_IN_USE: {
    status: 409,
    meaning: 'the token is already assigned to another app',
    fix: 'leave the token out so pushsim issues a fresh one',
  },
  // Lifecycle
  UNKNOWN_LIFECYCLE_EVENT: {
    status: 400,
    meaning: "the event is not one of the platform's lifecycle events",
    fix: 'use one of the events GET /api/lifecycle lists for the platform',
  },
  EVENT_NOT_APPLICABLE: {
    status: 409,
    meaning: "the lifecycle event does not apply in the app's current state",
    fix: 'bring the app to a state where it applies (PUT /api/apps/{id}/state), as the message says',
  },
  STATE_UNREACHABLE: {
    status: 400,
    meaning: "no sequence of lifecycle events leads from the app's state to the one asked for",
    fix: 'ask for one of the states GET /api/lifecycle lists',
  },
  // Pushes
  UNKNOWN_TOKEN: {
    status: 404,
    meaning: 'no installed app owns this token',
    fix: 'install and register an app (POST /api/devices/{id}/apps) and send to one of its tokens',
  },
  TOKEN_UNREGISTERED: {
    status: 410,
    meaning: 'the app that owned this token was uninstalled',
    fix: 'stop sending to the token, as a server does after APNs answers 410 Unregistered',
  },
  ACTIVITY_NOT_FOUND: {
    status: 404,
    meaning: 'no Live Activity has this id',
    fix: 'list activities with GET /api/activities (or GET /api/apps/:id/activities)',
  },
  LIVE_ACTIVITIES_NOT_DECLARED: {
    status: 409,
    meaning: 'the app declares no Live Activity attributes type of this name (or none at all)',
    fix: 'install the app with liveActivities: { attributeTypes: { <Name>: { attributes, contentState } } }, and use one of those names',
  },
  ACTIVITY_ENDED: {
    status: 409,
    meaning: 'the Live Activity has ended; ActivityKit ignores updates to an ended activity',
    fix: 'start a new activity (Activity.request or POST /api/apps/:id/activities)',
  },
  PUSH_NOT_FOUND: {
    status: 404,
    meaning: 'no push with this id is in the ledger (or it was not sent to this app)',
    fix: "list pushes with GET /api/pushes (?app=<id> for one app's)",
  },
  NOT_DISPLAYED: {
    status: 409,
    meaning: 'the push shows no notification, so there is nothing to tap',
    fix: 'tap a push whose fate is displayed (or delivered with a banner)',
  },
  PUSH_NOT_RESENDABLE: {
    status: 409,
    meaning:
      'the ledger entry holds no request to send again (the service refused the push, or pushsim does not deliver its type), or not one to the same target (a broadcast goes to a channel; an FCM-routed Live Activity push keeps the registration token, not the activity token)',
    fix: 'send the push anew through POST /api/pushes or the service endpoint (a broadcast to its channel again, an FCM Live Activity message to FCM again); resend works for pushes a service took to a token',
  },
  // Scenarios run from the control plane (the dashboard)
  SCENARIO_NOT_FOUND: {
    status: 404,
    meaning: "no file of that path is in the package's scenario library",
    fix: 'list the library with GET /api/scenarios/library and use one of its paths',
  },
  SCENARIO_RUN_NOT_FOUND: {
    status: 404,
    meaning: 'no scenario run has this id (pushsim keeps the last 50)',
    fix: 'list runs with GET /api/scenarios/runs, or start one with POST /api/scenarios/runs',
  },
  SCENARIO_RUNS_BUSY: {
    status: 429,
    meaning:
      'as many scenario runs already wait their turn as pushsim queues (50; two execute at once, each on simulators of its own)',
    fix: 'wait for scenario.finished on /api/events (or poll GET /api/scenarios/runs) and start the run again; `pushsim run` runs a whole folder in one go',
  },
  // The clock and the control plane
  RECORDING_NOT_FOUND: {
    status: 404,
    meaning: 'no session recording with this id (never started, or deleted)',
    fix: 'list recordings with GET /api/recordings, or start one with POST /api/recordings',
  },
  RECORDING_IN_PROGRESS: {
    status: 409,
    meaning: 'a session recording is already running; one runs at a time',
    fix: 'stop it first (POST /api/recordings/<id>/stop), or keep using it',
  },
  CLOCK_NOT_VIRTUAL: {
    status: 409,
    meaning: 'the clock is real, so it cannot be advanced',
    fix: 'start pushsim with --virtual-clock (or startSimulator({ clock: "virtual" }))',
  },
  NO_CA: {
    status: 404,
    meaning: 'this control app was built without a CA',
    fix: 'use startSimulator(), which passes its own, or createControlApp({ caPem })',
  },
  PORT_IN_USE: {
    status: 500,
    meaning: 'a port pushsim should listen on is already in use',
    fix: 'stop whatever holds it, or choose another port with the flag the message names (0 picks a free one)',
  },
  PORT_FORBIDDEN: {
    status: 500,
    meaning: 'pushsim may not listen on this port',
    fix: 'pick a port above 1023 with the flag the message names',
  },
  // Fault injection
  UNKNOWN_REASON: {
    status: 400,
    meaning: 'the fault names a reason the service does not have',
    fix: 'use a reason GET /api/apns/reasons or GET /api/fcm/errors lists',
  },
  INVALID_PROBABILITY: { status: 400, meaning: 'a probability outside 0..1', fix: 'give a number between 0 and 1' },
  EMPTY_FAULT: { status: 400, meaning: 'the fault does nothing', fix: 'give a reason, a drop or a delayMs' },
  FAULT_NOT_FOUND: {
    status: 404,
    meaning: 'no injected fault has this id',
    fix: 'list faults with GET /api/apns/faults or GET /api/fcm/faults',
  },
  // APNs
  INVALID_KEY_ID: {
    status: 400,
    meaning: "the key id is not 10 upper-case letters or digits, as Apple's are",
    fix: 'give a 10-character key id like "ABC123DEFG", or leave it out to mint one',
  },
  INVALID_TEAM_ID: {
    status: 400,
    meaning: "the team id is not 10 upper-case letters or digits, as Apple's are",
    fix: 'give a 10-character team id like "TEAM123456", or leave it out to mint one',
  },
  INVALID_KEY: {
    status: 400,
    meaning: 'the key is not a P-256 (ES256) key in PEM',
    fix: "give the .p8 file's contents (or its public key), or leave key out to mint one",
  },
  KEY_NOT_FOUND: { status: 404, meaning: 'no APNs signing key has this id', fix: 'list keys with GET /api/apns/keys' },
  // FCM
  UNKNOWN_PROJECT: {
    status: 404,
    meaning: 'the Firebase project is not served',
    fix: 'add it with POST /api/fcm/projects',
  },
  TOO_MANY_TOPICS: {
    status: 400,
    meaning: 'an app instance may subscribe to at most 2000 topics',
    fix: 'unsubscribe from topics it no longer needs',
  },
  TOPICS_UNAVAILABLE: {
    status: 501,
    meaning: 'this simulator runs without the FCM service, so there are no topics',
    fix: 'start pushsim with FCM on (the default)',
  },
  NO_FCM_TOKEN: {
    status: 400,
    meaning: 'the app has no FCM token, and topics need one',
    fix: 'use an app with an FCM token (an rn-firebase or native-android app on a device with Google Play services)',
  },
  // Sends through the wire (POST /api/send/*)
  NO_APNS_TOKEN: {
    status: 400,
    meaning: 'the app has no APNs token to send to',
    fix: 'pick an iOS app with a token (GET /api/apps), register it, or give token: <hex> instead of app',
  },
  WIRE_SEND_FAILED: {
    status: 502,
    meaning: "pushsim's own endpoint closed the request without an answer (a fault dropped the stream or connection)",
    fix: 'remove the fault (DELETE /api/apns/faults or /api/fcm/faults) or send again; the message says what the socket did',
  },
  // ZPNs / ZIM
  INVALID_RESOURCES_ID: {
    status: 400,
    meaning: 'a resourcesID must be 1–32 characters',
    fix: 'give a shorter (or non-empty) resourcesID',
  },
  TOO_MANY_STRATEGIES: {
    status: 409,
    meaning: 'the project has as many resourcesIDs as ZEGO allows',
    fix: 'remove one (DELETE /api/zpns/strategies/{resourcesID}), or raise zpns.strategyLimit',
  },
  UNKNOWN_PRESET: {
    status: 400,
    meaning: 'no push-strategy preset has this name',
    fix: 'use a preset GET /api/zpns/presets lists',
  },
  STRATEGY_NOT_FOUND: {
    status: 404,
    meaning: 'no push strategy has this resourcesID',
    fix: 'list strategies with GET /api/zpns/strategies',
  },
  NOT_A_ZPNS_APP: {
    status: 400,
    meaning: 'ZIM logins need an app with the zpns-rn SDK profile',
    fix: 'log in a zpns-rn app',
  },
  UNSUPPORTED_CONVERSATION: {
    status: 400,
    meaning: 'only peer conversations (conversationType 0) are simulated',
    fix: 'send with conversationType 0',
  },
  // The client-shim protocol (ws /api/shim; docs/shim-protocol.md)
  INVALID_MESSAGE: {
    status: 400,
    meaning: 'a shim message is missing a field or has one of the wrong type',
    fix: 'send the message as docs/shim-protocol.md describes it; the error names the field',
  },
  UNKNOWN_MESSAGE: {
    status: 400,
    meaning: 'the shim message type is not one the protocol has',
    fix: 'send one of hello, register, lifecycle, ack, complete, tap, sync, subscribe, unsubscribe',
  },
  PROTOCOL_MISMATCH: {
    status: 400,
    meaning: 'the shim speaks another protocol version than the simulator',
    fix: 'use the client shim of the same pushsim version',
  },
  INVALID_HELLO: {
    status: 400,
    meaning: 'a hello names neither an app nor a device and app to create',
    fix: 'send appId, or device and app',
  },
  ALREADY_BOUND: {
    status: 409,
    meaning: 'the shim connection already speaks for an app',
    fix: 'open another connection for another app',
  },
  TAKEOVER_REFUSED: {
    status: 409,
    meaning: 'another shim connection speaks for this app, and the hello did not carry its takeover secret',
    fix: 'close the other connection first, or send the takeoverSecret its welcome gave',
  },
  NOT_YOUR_PUSH: {
    status: 403,
    meaning: 'the push is not one delivered to the app this shim connection speaks for',
    fix: 'ack, complete or tap only pushes this connection was delivered',
  },
  NOT_BOUND: { status: 409, meaning: 'the shim connection has not sent its hello yet', fix: 'send hello first' },
} as const satisfies Record<string, ErrorCodeSpec>;

/** One of pushsim's error codes. */
export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** Each code by name, for call sites: `new SimulatorError(ErrorCodes.DEVICE_NOT_FOUND, …)`. */
export const ErrorCodes = Object.freeze(
  Object.fromEntries(Object.keys(ERROR_CATALOGUE).map((code) => [code, code])),
) as { readonly [C in ErrorCode]: C };

export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(ERROR_CATALOGUE, code);
}

/** The catalogue as a list, as GET /api/errors serves it and docs/control-api.md renders it. */
export function errorCatalogue(): { code: ErrorCode; status: number; meaning: string; fix: string }[] {
  return (Object.entries(ERROR_CATALOGUE) as [ErrorCode, ErrorCodeSpec][]).map(([code, spec]) => ({
    code,
    status: spec.status,
    meaning: spec.meaning,
    fix: spec.fix,
  }));
}
