// One control-API call for integration tests: the status, the body as text and parsed (undefined when it is not
// JSON, e.g. a scenario's YAML) and the headers, so a test asserts the answer as a client sees it.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface ControlAnswer {
  status: number;
  json: any;
  text: string;
  headers: Headers;
}

export type ControlCall = (method: string, path: string, body?: unknown) => Promise<ControlAnswer>;

/** A caller of the control API under `apiUrl()` (a function: the simulator is started after the test file loads). */
export function controlApi(apiUrl: () => string): ControlCall {
  return async (method, path, body) => {
    const response = await fetch(`${apiUrl()}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, json, text, headers: response.headers };
  };
}

const BIN = fileURLToPath(new URL('../../bin/pushsim.js', import.meta.url));

/** `pushsim run <file>` through the real CLI (the built one: the gate builds before it tests); its code and output. */
export function pushsimRun(file: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, 'run', file], { timeout: 120_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}
