// Connect: every endpoint's URL, the CA to download, an APNs signing key or an FCM service account minted by the
// existing routes, and the lines that point node-apn, apns2 and firebase-admin at this pushsim.
import { useState } from 'preact/hooks';
import { type EndpointModel, download, get, post } from '../api.js';
import { CopyButton } from '../components/copy-button.js';
import { ErrorNote } from '../components/notes.js';
import { useResource } from '../hooks.js';

interface ApnsKey {
  teamId: string;
  keyId: string;
  environment?: string;
  p8?: string;
}

function port(endpoints: EndpointModel[] | undefined, name: string): string {
  const url = endpoints?.find((e) => e.name === name)?.url;
  return url ? new URL(url).port : '<port>';
}

export function ConnectView() {
  const endpoints = useResource(() => get<EndpointModel[]>('/endpoints'), []);
  const [key, setKey] = useState<ApnsKey | undefined>();
  const [account, setAccount] = useState<unknown>();
  const [problem, setProblem] = useState<unknown>();
  const act = async (what: () => Promise<void>): Promise<void> => {
    setProblem(undefined);
    try {
      await what();
    } catch (error) {
      setProblem(error);
    }
  };
  const apnsPort = port(endpoints.data, 'apns');
  const api = `${location.origin}/api`;
  const nodeApn = `const provider = new apn.Provider({
  token: { key: p8, keyId: '${key?.keyId ?? '<keyId>'}', teamId: '${key?.teamId ?? '<teamId>'}' },
  address: '127.0.0.1', port: ${apnsPort}, ca: [caPem], production: false,
});`;
  const apns2 = `// apns2 dials api.sandbox.push.apple.com: run the backend with the redirect
PUSHSIM_URL=${location.origin} node --import pushsim/redirect server.js`;
  const firebase = `curl -sf --json '{}' ${api}/fcm/service-accounts > service-account.json
GOOGLE_APPLICATION_CREDENTIALS=service-account.json PUSHSIM_URL=${location.origin} npx pushsim exec -- node send.js`;
  return (
    <section aria-labelledby="connect-title">
      <h1 id="connect-title">Connect</h1>
      <ErrorNote error={endpoints.error ?? problem} />
      <table class="endpoints">
        <caption class="visually-hidden">Endpoints</caption>
        <thead>
          <tr>
            <th scope="col">name</th>
            <th scope="col">URL</th>
            <th scope="col">protocol</th>
            <th scope="col">stands in for</th>
          </tr>
        </thead>
        <tbody>
          {(endpoints.data ?? []).map((e) => (
            <tr key={e.name}>
              <th scope="row">{e.name}</th>
              <td>
                <code data-volatile>{e.url}</code> <CopyButton text={e.url} label={`Copy the ${e.name} URL`} />
              </td>
              <td>{e.protocol}</td>
              <td>{e.hosts?.join(', ') ?? e.description}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div class="actions">
        <button type="button" onClick={() => act(() => download('/ca.pem', 'pushsim-ca.pem'))}>
          Download the CA (ca.pem)
        </button>
        <button type="button" onClick={() => act(async () => setKey(await post<ApnsKey>('/apns/keys', {})))}>
          Mint an APNs key (.p8)
        </button>
        <button type="button" onClick={() => act(async () => setAccount(await post('/fcm/service-accounts', {})))}>
          Mint an FCM service account
        </button>
      </div>
      {key ? (
        <div class="card">
          <h2>APNs signing key</h2>
          <p>
            Team <code>{key.teamId}</code> · key <code>{key.keyId}</code>{' '}
            {key.environment ? `· ${key.environment}` : ''}
          </p>
          <pre data-volatile>{key.p8}</pre>
          <CopyButton text={key.p8 ?? ''} label="Copy the .p8" visible="Copy the .p8" />
        </div>
      ) : null}
      {account ? (
        <div class="card">
          <h2>FCM service account</h2>
          <pre data-volatile>{JSON.stringify(account, null, 2)}</pre>
          <CopyButton
            text={JSON.stringify(account, null, 2)}
            label="Copy the service-account JSON"
            visible="Copy the service-account JSON"
          />
        </div>
      ) : null}
      <h2>node-apn</h2>
      <pre data-volatile>{nodeApn}</pre>
      <CopyButton text={nodeApn} label="Copy the node-apn lines" visible="Copy the node-apn lines" />
      <h2>apns2</h2>
      <pre data-volatile>{apns2}</pre>
      <CopyButton text={apns2} label="Copy the apns2 lines" visible="Copy the apns2 lines" />
      <h2>firebase-admin</h2>
      <pre data-volatile>{firebase}</pre>
      <CopyButton text={firebase} label="Copy the firebase-admin lines" visible="Copy the firebase-admin lines" />
    </section>
  );
}
