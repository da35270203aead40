// Scenario files as their users run them: `pushsim run` as a process (exit codes, one-line errors, JUnit checked
// against a schema), runScenario from vitest, the published JSON Schema, and the loader's matrix and variables.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { validateXML } from 'xmllint-wasm';
import Ajv2020 from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { glob } from 'tinyglobby';
import { runScenario, runScenarios, scenarioJsonSchema, ScenarioFileError } from '../../simulator/index.js';
import { loadScenarioText } from '../../simulator/scenario/index.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin/pushsim.js');
const FIXTURES = 'test/fixtures/scenarios';

function pushsim(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, CI: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('pushsim run', () => {
  test('a deliberately broken scenario fails with the file, the line, the step and the difference, and the ledger', async () => {
    const { code, stdout } = await pushsim(['run', `${FIXTURES}/broken/expects-the-wrong-callback.yaml`]);
    expect(code).toBe(1);
    expect(stdout).toContain(
      `${FIXTURES}/broken/expects-the-wrong-callback.yaml:10 step 3 (expect): expected fate delivered, callback application:didReceiveRemoteNotification:fetchCompletionHandler:; got dropped: the user force-quit the app`,
    );
    expect(stdout).toMatch(
      /ledger:\n\s+[0-9a-f-]+ apns background to news: accepted > dropped \(the user force-quit the app/,
    );
    expect(stdout).toMatch(/1 run from 1 file: 0 passed, 1 failed/);
  });

  test('the JUnit report is valid against the JUnit schema and carries each failure with its ledger', async () => {
    const output = join(mkdtempSync(join(tmpdir(), 'pushsim-junit-')), 'report.xml');
    const { code } = await pushsim([
      'run',
      'scenarios/zpns',
      `${FIXTURES}/broken`,
      '--reporter',
      'junit',
      '--output',
      output,
    ]);
    expect(code).toBe(1);
    const xml = readFileSync(output, 'utf8');
    const result = await validateXML({
      xml: [{ fileName: 'report.xml', contents: xml }],
      schema: [{ fileName: 'junit.xsd', contents: readFileSync(join(ROOT, 'test/fixtures/junit.xsd'), 'utf8') }],
    });
    expect(result.errors).toEqual([]);
    expect(result.valid).toBe(true);
    expect(xml).toMatch(
      /<testsuite name="scenarios\/zpns\/silent-push-by-ios-app-state.yaml" [^>]*tests="5" failures="0" errors="0"/,
    );
    expect(xml).toMatch(
      /<failure message="step 2 \(expect, line 8\): expected reason BadTopic, got BadPriority \(status 400\)" type="ExpectationFailed">/,
    );
    expect(xml).toContain('ledger:');
    // And the schema is not a rubber stamp: a report with a testcase missing its name is refused.
    const broken = await validateXML({
      xml: [{ fileName: 'bad.xml', contents: xml.replace(/<testcase name="[^"]*"/, '<testcase') }],
      schema: [{ fileName: 'junit.xsd', contents: readFileSync(join(ROOT, 'test/fixtures/junit.xsd'), 'utf8') }],
    });
    expect(broken.valid).toBe(false);
  });

  test('the JSON report lists every run with its failures and ledger', async () => {
    const output = join(mkdtempSync(join(tmpdir(), 'pushsim-json-')), 'report.json');
    const { code } = await pushsim([
      'run',
      `${FIXTURES}/broken`,
      '--reporter',
      'json',
      '--output',
      output,
      '--grep',
      'wrong APNs reason',
    ]);
    expect(code).toBe(1);
    const report = JSON.parse(readFileSync(output, 'utf8'));
    expect(report.results).toHaveLength(1);
    expect(report.results[0]).toMatchObject({
      name: 'expects the wrong APNs reason',
      status: 'failed',
      failures: [{ step: 2, line: 8, kind: 'expect' }],
    });
    expect(report.results[0].ledger[0].fate).toMatchObject({ name: 'rejected' });
  });

  test.each([
    ['bad-yaml.yaml', /^INVALID test\/fixtures\/scenarios\/malformed\/bad-yaml.yaml:4:1: not valid YAML: /],
    [
      'unknown-step.yaml',
      /^INVALID test\/fixtures\/scenarios\/malformed\/unknown-step.yaml:7:5: steps.1: unknown step "sleep" \(steps: push, apns,/,
    ],
    [
      'wrong-type.yaml',
      /^INVALID test\/fixtures\/scenarios\/malformed\/wrong-type.yaml:8:33: steps.1.expect.status: expected number, got string "two hundred"$/,
    ],
    [
      'missing-device.yaml',
      /^INVALID test\/fixtures\/scenarios\/malformed\/missing-device.yaml:5:25: apps.0.device: no device "ipad" \(devices: iphone\)$/,
    ],
    [
      'unknown-key.yaml',
      /^INVALID test\/fixtures\/scenarios\/malformed\/unknown-key.yaml:3:34: unknown key "colour" in devices.0$/,
    ],
  ])(
    'a malformed file (%s) gets one line with its location and exit code 2, never a stack trace',
    async (file, line) => {
      const { code, stdout, stderr } = await pushsim(['run', `${FIXTURES}/malformed/${file}`]);
      expect(code).toBe(2);
      const lines = stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(line);
      expect(stdout + stderr).not.toMatch(/\n\s+at /);
    },
  );

  test('a React Native entry file runs in plain Node: the published ZEGO SDK JavaScript, a fresh module graph per launch', async () => {
    const { code, stdout } = await pushsim(['run', `${FIXTURES}/rn-entry`]);
    expect(stdout).toMatch(/3 runs from 1 file: 3 passed/);
    expect(code).toBe(0);
    // The SDK logs to the console; the runner keeps that with the run instead of printing it.
    expect(stdout).not.toMatch(/ZPNs event service/);
  });

  test('what the app printed is shown with its failure', async () => {
    const { code, stdout } = await pushsim(['run', `${FIXTURES}/output`]);
    expect(code).toBe(1);
    expect(stdout).toMatch(
      /expected a ledger note matching \/result noData\/, got "app woken: suspended → background.pushWake", "handler completed \(result newData\)"\n {2}ledger:\n.*\n {2}app output:\n {4}sync handler ran for 42\n/,
    );
    expect(stdout.indexOf('sync handler ran for 42')).toBeGreaterThan(stdout.indexOf('FAIL'));
  });

  test('no scenario files, a bad flag: exit code 2 with a message', async () => {
    expect(await pushsim(['run', 'test/fixtures/no-such-folder'])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/no scenario files found/),
    });
    expect(await pushsim(['run', 'scenarios/zpns', '--reporter', 'tap'])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--reporter must be junit or json/),
    });
  });
});

describe('runScenario from vitest', () => {
  test('a library file runs each of its matrix rows and passes', async () => {
    const results = await runScenario('scenarios/apns/alert-push-by-app-state.yaml');
    expect(results.map((r) => [r.name.replace(/.*\[/, '['), r.status])).toEqual([
      ['[active]', 'passed'],
      ['[inactive]', 'passed'],
      ['[background]', 'passed'],
      ['[suspended]', 'passed'],
      ['[notRunning]', 'passed'],
      ['[forceQuit]', 'passed'],
    ]);
  });

  test('expect rules: takes one row id or a list, and fails on a row the fate does not name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pushsim-rules-'));
    const file = (rules: string) => {
      const path = join(dir, `rules-${rules.replace(/\W+/g, '-')}.yaml`);
      writeFileSync(
        path,
        [
          'name: rules',
          'devices: [{ id: phone, platform: ios }]',
          'apps:',
          '  - id: app',
          '    device: phone',
          '    bundleId: com.example.rules',
          '    sdk: native-ios',
          '    liveActivities: { attributeTypes: { Score: { attributes: {}, contentState: { score: integer } } } }',
          'steps:',
          '  - activity: { app: app, start: { attributesType: Score, attributes: {}, contentState: { score: 0 } }, as: a }',
          '  - apns: { liveActivity: a, payload: { aps: { timestamp: 1, event: update, content-state: { score: 1 } } }, as: p }',
          `  - expect: { of: p, rules: ${rules} }`,
        ].join('\n'),
      );
      return path;
    };
    const [one] = await runScenario(file('apns.liveactivity.update.applied'));
    const [list] = await runScenario(file('[apns.liveactivity.budget.counted, apns.liveactivity.update.applied]'));
    const [wrong] = await runScenario(file('apns.liveactivity.end.applied'));
    expect([one!.status, list!.status], JSON.stringify([one!.failures, list!.failures])).toEqual(['passed', 'passed']);
    expect(wrong!.status).toBe('failed');
    expect(JSON.stringify(wrong!.failures)).toMatch(/expected the fate to name rule apns\.liveactivity\.end\.applied/);
  });

  test('an invalid file throws its one-line error', async () => {
    await expect(runScenario(`${FIXTURES}/malformed/unknown-step.yaml`)).rejects.toBeInstanceOf(ScenarioFileError);
  });

  test('an app entry file that throws fails the run, naming the app and the error', async () => {
    const [result] = await runScenario(`${FIXTURES}/apps/app-code-throws.yaml`);
    expect(result!.status).toBe('failed');
    expect(result!.failures).toEqual([
      expect.objectContaining({
        kind: 'app crashy',
        message: expect.stringMatching(/the app crashed in didReceiveRemoteNotification/),
      }),
    ]);
  });

  test('--seed replays chaos: the same seed gives the same fates, another seed others', async () => {
    const fates = async (seed: number) =>
      (await runScenario(`${FIXTURES}/chaos/seeded-loss.yaml`, { seed }))[0]!.ledger.map((e) => e.fate.name).join(' ');
    const seven = await fates(7);
    expect(seven).toMatch(/dropped/);
    expect(seven).toMatch(/delivered/);
    expect(await fates(7)).toBe(seven);
    expect(await fates(8)).not.toBe(seven);
  });

  test('--grep selects runs by name, matrix rows included', async () => {
    const summary = await runScenarios(['scenarios/apns'], { grep: '^An alert push.*\\[forceQuit\\]' });
    expect(summary.results.map((r) => r.name)).toEqual(['An alert push through APNs, by iOS app state [forceQuit]']);
  });
});

describe('keys', () => {
  test("a team's own .p8 file signs the provider tokens, under the ids the backend is configured with", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pushsim-keys-'));
    const { privateKey } = generateKeyPairSync('ec', {
      namedCurve: 'prime256v1',
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    writeFileSync(join(dir, 'AuthKey_TEAMKEY001.p8'), privateKey);
    writeFileSync(
      join(dir, 'own-key.yaml'),
      [
        'name: own key',
        'keys: { apns: [{ id: mine, teamId: MYTEAM0001, keyId: TEAMKEY001, p8: AuthKey_TEAMKEY001.p8 }] }',
        'devices: [{ id: iphone, platform: ios }]',
        'apps: [{ id: news, device: iphone, bundleId: com.example.news, sdk: native-ios, state: active }]',
        'steps:',
        '  - apns: { app: news, key: mine, as: p }',
        '  - expect: { of: p, status: 200, fate: delivered }',
      ].join('\n'),
    );
    const [result] = await runScenario(join(dir, 'own-key.yaml'));
    expect(result).toMatchObject({ status: 'passed' });
    expect(result!.ledger[0]!.fate.name).toBe('delivered');
  });

  test('a .p8 file without the ids it is registered under is an error at its place', () => {
    expect(() =>
      loadScenarioText('name: t\nkeys: { apns: [{ id: mine, p8: AuthKey.p8 }] }\nsteps:\n  - advance: 1s\n', 'f.yaml'),
    ).toThrow(/^f.yaml:2:\d+: keys.apns.0: a .p8 file needs the teamId and keyId/);
  });

  test('a step naming a key the file does not declare is an error at its place', () => {
    expect(() =>
      loadScenarioText(
        'name: t\ndevices: [{ id: d, platform: ios }]\napps: [{ id: a, device: d, bundleId: b.c, sdk: native-ios }]\nsteps:\n  - apns: { app: a, key: nope }\n',
        'f.yaml',
      ),
    ).toThrow(/^f.yaml:5:\d+: steps.0.apns.key: no key "nope" in keys.apns \(keys: none\)/);
  });
});

describe("lifecycle states and events are checked at load, against the platform of the app's device", () => {
  const withApp = (platform: string, app: string, steps: string) =>
    `name: t\ndevices: [{ id: d, platform: ${platform} }]\napps:\n  - { id: a, device: d, bundleId: b.c, sdk: zpns-rn${app} }\nsteps:\n${steps}`;

  test('an unknown app state (state: frozen) is an error at its line, not a run-time "file:0" failure', () => {
    expect(() => loadScenarioText(withApp('ios', ', state: frozen', '  - advance: 1s\n'), 'f.yaml')).toThrow(
      /^f\.yaml:4:\d+: apps\.0\.state: "frozen" is not a lifecycle state of an iOS app \(app "a"\); states: notRunning, active, /,
    );
  });

  test("a state of the other platform is an error too (killed is Android's)", () => {
    expect(() => loadScenarioText(withApp('ios', ', state: killed', '  - advance: 1s\n'), 'f.yaml')).toThrow(
      /^f\.yaml:4:\d+: .*"killed" is not a lifecycle state of an iOS app/,
    );
    expect(() => loadScenarioText(withApp('android', ', state: suspended', '  - advance: 1s\n'), 'f.yaml')).toThrow(
      /^f\.yaml:4:\d+: .*"suspended" is not a lifecycle state of an Android app/,
    );
  });

  test('a state only a push leads to cannot be a starting state', () => {
    expect(() =>
      loadScenarioText(withApp('ios', ', state: background.pushWake', '  - advance: 1s\n'), 'f.yaml'),
    ).toThrow(/^f\.yaml:4:\d+: apps\.0\.state: an app cannot start in "background\.pushWake"/);
  });

  test('lifecycle and expect steps: an unknown state or event is an error at its line', () => {
    expect(() =>
      loadScenarioText(withApp('ios', '', '  - advance: 1s\n  - lifecycle: { app: a, state: frozen }\n'), 'f.yaml'),
    ).toThrow(/^f\.yaml:7:\d+: steps\.1\.lifecycle\.state: "frozen" is not a lifecycle state/);
    expect(() =>
      loadScenarioText(withApp('android', '', '  - expect: { app: a, state: notRunning }\n'), 'f.yaml'),
    ).toThrow(/^f\.yaml:6:\d+: steps\.0\.expect\.state: "notRunning" is not a lifecycle state of an Android app/);
    expect(() =>
      loadScenarioText(withApp('android', '', '  - lifecycle: { app: a, event: terminateBySystem }\n'), 'f.yaml'),
    ).toThrow(
      /^f\.yaml:6:\d+: steps\.0\.lifecycle\.event: "terminateBySystem" is not a lifecycle event of an Android app; events: launch, /,
    );
  });

  test('full paths and top-level states both load', () => {
    expect(
      loadScenarioText(
        withApp('android', ', state: background', '  - expect: { app: a, state: background.ui }\n'),
        'f.yaml',
      ),
    ).toHaveLength(1);
  });
});

describe('the published JSON Schema', () => {
  test('scenarios/scenario.schema.json is the schema the runner uses (run `npm run docs:schema` after changing it)', () => {
    expect(JSON.parse(readFileSync(join(ROOT, 'scenarios/scenario.schema.json'), 'utf8'))).toEqual(
      scenarioJsonSchema(),
    );
  });

  test('every library file validates against it (so editors do not flag them), and an unknown key does not', async () => {
    const validate = new Ajv2020.default({ strict: false }).compile(scenarioJsonSchema());
    const files = await glob('scenarios/**/*.{yaml,yml}', { cwd: ROOT });
    expect(files.length).toBeGreaterThan(30);
    for (const file of files)
      expect(
        validate(parse(readFileSync(join(ROOT, file), 'utf8'))),
        `${file}: ${JSON.stringify(validate.errors)}`,
      ).toBe(true);
    expect(validate(parse(readFileSync(join(ROOT, FIXTURES, 'malformed/unknown-key.yaml'), 'utf8')))).toBe(false);
  });
});

describe('the library is a catalogue', () => {
  test('every APNs reason and every FCM error code is expected by some library file', async () => {
    const { APNS_REASONS } = await import('../../simulator/providers/apns/index.js');
    const { FCM_ERROR_CODES } = await import('../../simulator/providers/fcm/index.js');
    const text = (await glob('scenarios/**/*.yaml', { cwd: ROOT }))
      .map((f) => readFileSync(join(ROOT, f), 'utf8'))
      .join('\n');
    // IdleTimeout comes in a GOAWAY frame, not an answer (test/integration/apns-reasons.test.ts covers it).
    expect(APNS_REASONS.filter((r) => r !== 'IdleTimeout' && !new RegExp(`\\b${r}\\b`).test(text))).toEqual([]);
    expect(FCM_ERROR_CODES.filter((c) => !new RegExp(`\\b${c}\\b`).test(text))).toEqual([]);
  });
});

describe('matrix rows and variables', () => {
  const scenario = (body: string) =>
    `name: t\ndevices: [{ id: d, platform: ios }]\napps: [{ id: a, device: d, bundleId: b.c, sdk: native-ios }]\n${body}`;

  test('a row fills ${row.field}; a field a row leaves out removes its key; variables refer to each other', () => {
    const runs = loadScenarioText(
      scenario(
        `vars: { two: "\${one}\${one}", one: x }\nmatrix:\n  row:\n    - { name: first, status: 200, reason: null }\n    - { name: second, status: 400, reason: BadTopic }\nsteps:\n  - apns: { app: a, payload: "\${two}", as: p }\n  - expect: { of: p, status: "\${row.status}", reason: "\${row.reason}" }\n`,
      ),
      'f.yaml',
    );
    expect(runs.map((r) => r.name)).toEqual(['t [first]', 't [second]']);
    expect(runs[0]!.steps[1]!.spec).toEqual({ of: 'p', status: 200 });
    expect(runs[1]!.steps[1]!.spec).toEqual({ of: 'p', status: 400, reason: 'BadTopic' });
    expect(runs[0]!.steps[0]!.spec.payload).toBe('xx');
  });

  test('a field no row has is an error at its place; so is a reference to an unnamed push', () => {
    expect(() =>
      loadScenarioText(
        scenario(`matrix:\n  row: [{ status: 200 }]\nsteps:\n  - expect: { status: "\${row.statsu}" }\n`),
        'f.yaml',
      ),
    ).toThrow(/^f.yaml:7:\d+: .*no row of matrix "row" has a field "statsu"/);
    expect(() => loadScenarioText(scenario(`steps:\n  - expect: { of: p1, fate: delivered }\n`), 'f.yaml')).toThrow(
      /^f.yaml:5:\d+: steps.0.expect.of: no earlier step named "p1"/,
    );
  });

  test('JSON files are scenario files too', () => {
    const runs = loadScenarioText(
      JSON.stringify({
        name: 'json',
        devices: [{ id: 'd', platform: 'android' }],
        apps: [],
        steps: [{ advance: '1s' }],
      }),
      'f.json',
    );
    expect(runs[0]!.steps[0]).toMatchObject({ kind: 'advance', spec: '1s' });
  });
});

test('`pushsim schema` prints the schema the runner uses', async () => {
  const { code, stdout } = await pushsim(['schema']);
  expect(code).toBe(0);
  expect(JSON.parse(stdout)).toEqual(scenarioJsonSchema());
});

test('docs/scenarios.md carries the current field reference (run `npm run docs:schema` when this fails)', async () => {
  const { withCurrentReference } = await import('../../simulator/scenario/index.js');
  const onDisk = readFileSync(join(ROOT, 'docs/scenarios.md'), 'utf8');
  expect(onDisk).toBe(withCurrentReference(onDisk));
});
