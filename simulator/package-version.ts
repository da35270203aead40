// pushsim's own version, read from its package.json (package-root.ts finds it from source, dist/ and dist/cjs/).
import { packageManifest } from './package-root.js';

export const PUSHSIM_VERSION = packageManifest()?.version ?? '0.0.0';
