// The simulator's own certificate authority: generated on first start (or loaded from the state directory), it issues
// the server certificate the providers present (localhost, 127.0.0.1 and the public hosts the service modules declare)
// and APNs client certificates for certificate-based auth. Clients trust it through GET /api/ca.pem or
// NODE_EXTRA_CA_CERTS.
import { X509Certificate, generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type forge from 'node-forge';
import { nodeForge } from './node-forge.js';
import { applePushExtensions, type ApnsCertificateEnvironment } from './apple-push-extensions.js';

/** Host names every server certificate covers; the services' own (`tlsHostNames`) are added to them. */
export const LOOPBACK_HOSTNAMES = ['localhost'];
export const SERVER_IPS = ['127.0.0.1', '::1'];

export interface PemPair {
  cert: string;
  key: string;
}

export interface CertificateAuthority {
  /** The CA certificate, PEM; what clients trust. */
  readonly caPem: string;
  /** The providers' server certificate and key. */
  readonly server: PemPair;
  /** Where it lives on disk, when it was stored. */
  readonly directory?: string;
  /**
   * Issues a client certificate for APNs certificate auth as Apple does: subject UID = topic, Apple's environment
   * extensions (both for the universal certificate, the default) and, on the universal one, the topic extension.
   */
  issueClientCertificate(topic: string, environment?: ApnsCertificateEnvironment): PemPair;
}

function rsaKeyPair(): forge.pki.rsa.KeyPair {
  // Node's native generator is ~10× faster than forge's; forge then only builds and signs certificates.
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const forgeKey = nodeForge().pki.privateKeyFromPem(privateKey) as forge.pki.rsa.PrivateKey;
  return { privateKey: forgeKey, publicKey: nodeForge().pki.setRsaPublicKey(forgeKey.n, forgeKey.e) };
}

function serial(): string {
  return `01${randomBytes(15).toString('hex')}`;
}

function newCertificate(publicKey: forge.pki.PublicKey, years: number): forge.pki.Certificate {
  const cert = nodeForge().pki.createCertificate();
  cert.publicKey = publicKey;
  cert.serialNumber = serial();
  cert.validity.notBefore = new Date(Date.now() - 24 * 3600 * 1000);
  cert.validity.notAfter = new Date(Date.now() + years * 365 * 24 * 3600 * 1000);
  return cert;
}

function createCa(): { cert: forge.pki.Certificate; keys: forge.pki.rsa.KeyPair } {
  const keys = rsaKeyPair();
  const cert = newCertificate(keys.publicKey, 10);
  const subject = [
    { name: 'commonName', value: 'pushsim local CA' },
    { name: 'organizationName', value: 'pushsim' },
  ];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(keys.privateKey, nodeForge().md.sha256.create());
  return { cert, keys };
}

function issue(
  ca: { cert: forge.pki.Certificate; keys: forge.pki.rsa.KeyPair },
  subject: forge.pki.CertificateField[],
  extensions: object[],
): PemPair {
  const keys = rsaKeyPair();
  const cert = newCertificate(keys.publicKey, 2);
  cert.setSubject(subject);
  cert.setIssuer(ca.cert.subject.attributes);
  cert.setExtensions(extensions);
  cert.sign(ca.keys.privateKey, nodeForge().md.sha256.create());
  return { cert: nodeForge().pki.certificateToPem(cert), key: nodeForge().pki.privateKeyToPem(keys.privateKey) };
}

function serverCertificate(
  ca: { cert: forge.pki.Certificate; keys: forge.pki.rsa.KeyPair },
  hostNames: readonly string[],
): PemPair {
  return issue(
    ca,
    [
      { name: 'commonName', value: 'localhost' },
      { name: 'organizationName', value: 'pushsim' },
    ],
    [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [...hostNames.map((value) => ({ type: 2, value })), ...SERVER_IPS.map((ip) => ({ type: 7, ip }))],
      },
    ],
  );
}

/** The common names of Apple's certificates (the prefixes apns_erl_util src/apns_cert.erl's APP_ID_RE accepts). */
const CLIENT_CERTIFICATE_NAMES: Record<ApnsCertificateEnvironment, string> = {
  both: 'Apple Push Services',
  sandbox: 'Apple Development IOS Push Services',
  production: 'Apple Production IOS Push Services',
};

type ForgeCa = { cert: forge.pki.Certificate; keys: forge.pki.rsa.KeyPair };

/** `ca` is the CA itself, or its PEM and a function that parses it when a certificate is first issued. */
function authority(
  ca: ForgeCa | { pem: string; parse: () => ForgeCa },
  server: PemPair,
  directory?: string,
): CertificateAuthority {
  let parsed = 'cert' in ca ? ca : undefined;
  const signer = (): ForgeCa => {
    parsed ??= (ca as { parse: () => ForgeCa }).parse();
    return parsed;
  };
  return {
    caPem: 'pem' in ca ? ca.pem : nodeForge().pki.certificateToPem(ca.cert),
    server,
    ...(directory ? { directory } : {}),
    issueClientCertificate: (topic, environment = 'both') =>
      issue(
        signer(),
        [
          { name: 'commonName', value: `${CLIENT_CERTIFICATE_NAMES[environment]}: ${topic}` },
          { type: '0.9.2342.19200300.100.1.1', value: topic }, // UID, where APNs certificates carry the bundle id
          { name: 'organizationName', value: 'pushsim' },
        ],
        [
          { name: 'basicConstraints', cA: false },
          { name: 'keyUsage', digitalSignature: true, critical: true },
          { name: 'extKeyUsage', clientAuth: true },
          ...applePushExtensions(topic, environment),
        ],
      ),
  };
}

/**
 * The CA's PEM as forge writes it (CRLF line ends, a trailing CRLF): what `caPem` was when it was parsed and written
 * again, so GET /api/ca.pem answers the same bytes whether the CA was generated or loaded.
 */
function forgeCompatiblePem(pem: string): string {
  const body = pem.replace(/\r\n/g, '\n').trim().split('\n').join('\r\n');
  return `${body}\r\n`;
}

// A cache, not state: generating a CA costs two RSA keys, so simulators in one process share it per directory and
// names.
const inMemory = new Map<string, CertificateAuthority>();
const memoryCa = new Map<string, { cert: forge.pki.Certificate; keys: forge.pki.rsa.KeyPair }>();

/** Whether a stored server certificate covers every one of the host names. */
function covers(serverPem: string, hostNames: readonly string[]): boolean {
  // Node's parser, not forge's: a start with a stored CA loads no forge at all. subjectAltName reads
  // "DNS:localhost, DNS:api.push.apple.com, IP Address:127.0.0.1, ..."; host names are the DNS entries.
  const altNames = new X509Certificate(serverPem).subjectAltName ?? '';
  const names = new Set(
    altNames
      .split(', ')
      .filter((entry) => entry.startsWith('DNS:'))
      .map((entry) => entry.slice(4)),
  );
  return hostNames.every((name) => names.has(name));
}

/**
 * Loads the CA and server certificate from `directory` (ca.pem, ca-key.pem, server.pem, server-key.pem), creating and
 * storing them on first use. Without a directory they live in memory for this process. The server certificate covers
 * `hostNames` (the services' `tlsHostNames`) and loopback; a stored one that misses a name is reissued by the same CA,
 * so clients that trust the CA keep trusting it.
 */
export function loadCertificateAuthority(
  directory?: string,
  serviceHostNames: readonly string[] = [],
): CertificateAuthority {
  const hostNames = [...new Set([...LOOPBACK_HOSTNAMES, ...serviceHostNames])];
  const cacheKey = `${directory ?? '<memory>'} ${hostNames.join(',')}`;
  const cached = inMemory.get(cacheKey);
  if (cached) return cached;
  let result: CertificateAuthority;
  const files = directory
    ? {
        ca: join(directory, 'ca.pem'),
        caKey: join(directory, 'ca-key.pem'),
        server: join(directory, 'server.pem'),
        serverKey: join(directory, 'server-key.pem'),
      }
    : undefined;
  if (files && existsSync(files.ca) && existsSync(files.caKey)) {
    const caPem = readFileSync(files.ca, 'utf8');
    const caKeyPem = readFileSync(files.caKey, 'utf8');
    // Parsed (with forge) only when something is signed: a reissued server certificate or a client certificate.
    const parse = (): ForgeCa => {
      const forge = nodeForge();
      const privateKey = forge.pki.privateKeyFromPem(caKeyPem) as forge.pki.rsa.PrivateKey;
      return {
        cert: forge.pki.certificateFromPem(caPem),
        keys: { privateKey, publicKey: forge.pki.setRsaPublicKey(privateKey.n, privateKey.e) },
      };
    };
    let ca: ForgeCa | { pem: string; parse: () => ForgeCa } = {
      pem: forgeCompatiblePem(caPem),
      parse,
    };
    let server: PemPair | undefined;
    if (existsSync(files.server) && existsSync(files.serverKey))
      server = { cert: readFileSync(files.server, 'utf8'), key: readFileSync(files.serverKey, 'utf8') };
    if (!server || !covers(server.cert, hostNames)) {
      ca = parse();
      server = serverCertificate(ca, hostNames);
      writeFileSync(files.server, server.cert);
      writeFileSync(files.serverKey, server.key, { mode: 0o600 });
    }
    result = authority(ca, server, directory);
  } else {
    // Without a directory one CA per process: simulators serving other services get their own server certificate from
    // it.
    const ca = files ? createCa() : (memoryCa.get('<memory>') ?? createCa());
    if (!files) memoryCa.set('<memory>', ca);
    const server = serverCertificate(ca, hostNames);
    result = authority(ca, server, directory);
    if (files) {
      mkdirSync(directory!, { recursive: true });
      writeFileSync(files.ca, result.caPem);
      writeFileSync(files.caKey, nodeForge().pki.privateKeyToPem(ca.keys.privateKey), { mode: 0o600 });
      writeFileSync(files.server, server.cert);
      writeFileSync(files.serverKey, server.key, { mode: 0o600 });
    }
  }
  inMemory.set(cacheKey, result);
  return result;
}
