// The X.509 extensions Apple puts in APNs client certificates, encoded for the certificates pushsim issues and decoded
// for the ones clients present: the environment markers (node-apn's lib/credentials/certificate/oids.js and
// APNCertificate.js read them to refuse a certificate for the wrong environment) and the topic list.
import type forge from 'node-forge';
import { nodeForge } from './node-forge.js';

/**
 * Apple's OIDs under 1.2.840.113635.100.6.3 (apns_erl_util src/apns_cert.erl names them; node-apn reads the first two).
 */
export const APPLE_PUSH_OIDS = {
  /** "Apple Push Notification service SSL (Sandbox)": the certificate may connect to the development endpoint. */
  development: '1.2.840.113635.100.6.3.1',
  /** The certificate may connect to the production endpoint. */
  production: '1.2.840.113635.100.6.3.2',
  /** The topics the certificate may send to (universal "Apple Push Services" certificates). */
  topics: '1.2.840.113635.100.6.3.6',
} as const;

/**
 * Which APNs environments a client certificate is for; `both` is Apple's universal "Apple Push Services" certificate.
 */
export type ApnsCertificateEnvironment = 'sandbox' | 'production' | 'both';

/** What pushsim reads from a presented client certificate. */
export interface ApplePushCertificateInfo {
  /** The subject's UID, where Apple puts the bundle id. */
  uid?: string;
  /** Topics of the topic extension, in its order; absent when the certificate has none. */
  topics?: string[];
  hasDevelopment: boolean;
  hasProduction: boolean;
  /** The subject's OU: certificates pushsim issued before it wrote Apple's extensions named the environment there. */
  organizationalUnit?: string;
}

const utf8String = (value: string): forge.asn1.Asn1 => {
  const { asn1, util } = nodeForge();
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.UTF8, false, util.encodeUtf8(value));
};
const sequence = (items: forge.asn1.Asn1[]): forge.asn1.Asn1 => {
  const { asn1 } = nodeForge();
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, items);
};
const NULL_VALUE = String.fromCharCode(0x05, 0x00);

/**
 * Apple's topic extension: SEQUENCE { UTF8String topic, SEQUENCE { UTF8String kind } ... } with the kinds app, voip and
 * complication, byte for byte as in the sample decoded in apns_erl_util src/apns_cert.erl (asn1_decode/1); Pushy's
 * TopicUtil.extractApnsTopicsFromCertificate takes the top-level strings as the topics.
 */
export function encodeTopicsExtension(bundleId: string): string {
  const entries: [string, string][] = [
    [bundleId, 'app'],
    [`${bundleId}.voip`, 'voip'],
    [`${bundleId}.complication`, 'complication'],
  ];
  return nodeForge()
    .asn1.toDer(sequence(entries.flatMap(([topic, kind]) => [utf8String(topic), sequence([utf8String(kind)])])))
    .getBytes();
}

/** The extensions (node-forge form) for a client certificate of `environment` sending to `bundleId`. */
export function applePushExtensions(bundleId: string, environment: ApnsCertificateEnvironment): object[] {
  // Apple's value for the two markers is an ASN.1 NULL (apns_cert.erl decode_ext/1). pushsim marks none of them
  // critical: a TLS server that does not know Apple's OIDs (OpenSSL's, so Node's) refuses a certificate with an
  // unknown critical extension.
  const extensions: object[] = [];
  if (environment !== 'production')
    extensions.push({ id: APPLE_PUSH_OIDS.development, critical: false, value: NULL_VALUE });
  if (environment !== 'sandbox')
    extensions.push({ id: APPLE_PUSH_OIDS.production, critical: false, value: NULL_VALUE });
  // Single-environment certificates name their topic in the UID only, like Pushy's single-topic test certificate.
  if (environment === 'both')
    extensions.push({ id: APPLE_PUSH_OIDS.topics, critical: false, value: encodeTopicsExtension(bundleId) });
  return extensions;
}

/** The topics listed in a topic extension's DER value (the top-level strings, as Pushy's TopicUtil reads them). */
export function decodeTopicsExtension(der: string): string[] {
  const { asn1, util } = nodeForge();
  const value = asn1.fromDer(der);
  if (!Array.isArray(value.value)) return [];
  return value.value
    .filter((item) => item.tagClass === asn1.Class.UNIVERSAL && !item.constructed && typeof item.value === 'string')
    .map((item) => util.decodeUtf8(item.value as string));
}

/** Reads Apple's extensions and the UID from a DER certificate; undefined when it cannot be parsed. */
export function readApplePushCertificate(der: Buffer): ApplePushCertificateInfo | undefined {
  const { asn1, pki, util } = nodeForge();
  let cert: forge.pki.Certificate;
  try {
    cert = pki.certificateFromAsn1(asn1.fromDer(der.toString('binary')));
  } catch {
    return undefined;
  }
  const info: ApplePushCertificateInfo = {
    hasDevelopment: extension(cert, APPLE_PUSH_OIDS.development) !== undefined,
    hasProduction: extension(cert, APPLE_PUSH_OIDS.production) !== undefined,
  };
  const uid = cert.subject.getField({ type: '0.9.2342.19200300.100.1.1' }) as {
    value?: string;
    valueTagClass?: number;
  } | null;
  if (uid?.value) info.uid = uid.valueTagClass === asn1.Type.UTF8 ? util.decodeUtf8(uid.value) : uid.value;
  const ou = cert.subject.getField('OU') as { value?: string } | null;
  if (ou?.value) info.organizationalUnit = ou.value;
  const topics = extension(cert, APPLE_PUSH_OIDS.topics);
  if (topics?.value) {
    try {
      info.topics = decodeTopicsExtension(topics.value);
    } catch {
      info.topics = [];
    }
  }
  return info;
}

function extension(cert: forge.pki.Certificate, id: string): { value?: string } | undefined {
  // @types/node-forge types `id` as a number; forge compares it with the dotted OID string it parsed.
  return (cert.getExtension({ id } as unknown as { id: number }) as { value?: string } | null | undefined) ?? undefined;
}
