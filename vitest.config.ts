import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  resolve: {
    // How an app under test runs against pushsim: react-native and RN Firebase resolve to the client shim's stand-ins.
    alias: {
      'react-native': here('./client-shim/react-native/index.ts'),
      '@react-native-firebase/messaging': here('./client-shim/react-native-firebase/messaging.ts'),
    },
  },
  test: {
    include: ['test/**/*.test.ts', 'simulator/**/*.test.ts', 'client-shim/**/*.test.ts'],
    // Fails a test that records a fate naming no rules-table row, or a row GET /api/rules does not list.
    setupFiles: ['test/setup/fate-rule-ids.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'threads',
    // The published ZPNs JS is ES modules without "type": "module"; inlining lets vite load it and apply the alias.
    server: { deps: { inline: ['zego-zpns-react-native'] } },
    onConsoleLog: (log) => (log.startsWith('ZPNs ') ? false : undefined),
  },
});
