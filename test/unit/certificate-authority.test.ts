// The CA in a state directory: a start with stored files reads them without parsing (node-forge is loaded only to sign),
// and still answers the same CA and signs client certificates with it (issue 14: start-up).
import { X509Certificate } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { loadCertificateAuthority } from '../../simulator/providers/tls/index.js';

test('loads a stored CA as the bytes it wrote, and signs client certificates with it when first asked', () => {
  const directory = mkdtempSync(join(tmpdir(), 'pushsim-ca-'));
  const created = loadCertificateAuthority(directory, ['api.example.test']);
  // Other host names are another cache key: this load reads the files (their server certificate covers localhost).
  const loaded = loadCertificateAuthority(directory, []);
  expect(loaded).not.toBe(created);
  expect(loaded.caPem).toBe(created.caPem);
  expect(loaded.server).toEqual(created.server);
  const client = new X509Certificate(loaded.issueClientCertificate('com.example.app', 'sandbox').cert);
  const ca = new X509Certificate(loaded.caPem);
  expect(client.checkIssued(ca)).toBe(true);
  expect(client.verify(ca.publicKey)).toBe(true);
  expect(client.subject).toContain('com.example.app');
});

test('reissues a stored server certificate that misses a host name, from the same CA', () => {
  const directory = mkdtempSync(join(tmpdir(), 'pushsim-ca-'));
  const first = loadCertificateAuthority(directory, []);
  const wider = loadCertificateAuthority(directory, ['api.push.example.test']);
  expect(wider.caPem).toBe(first.caPem);
  const server = new X509Certificate(wider.server.cert);
  expect(server.subjectAltName).toContain('DNS:api.push.example.test');
  expect(server.checkIssued(new X509Certificate(first.caPem))).toBe(true);
});
