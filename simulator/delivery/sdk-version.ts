// SDK version comparison lives in the public model (the client shim uses it too); re-exported for the rules.
export { compareVersions, isVersionBelow } from '../model/index.js';
