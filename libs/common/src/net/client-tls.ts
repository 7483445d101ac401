// The `[tls]` section every client-facing TLS listener takes (the MQTT broker's TLS and WSS listeners, the Kafka
// broker's TLS listener): the same four keys and the same reading of them, so an operator configures a certificate
// for either protocol the same way and a missing or unreadable file is the same clear start-up error.
import { readFileSync } from 'node:fs';
import type { TlsOptions } from 'node:tls';
import { z } from 'zod';

/** The keys of a `[tls]` section (spread into `section({...})`). */
export function clientTlsKeys() {
  return {
    /** PEM certificate (chain) of the TLS listeners; empty = those listeners are off. */
    cert_file: z.string().default(''),
    /** PEM private key of cert_file. */
    key_file: z.string().default(''),
    /** PEM CA bundle: sent with the certificate chain and, with verify_client, used to check client certificates. */
    ca_file: z.string().default(''),
    /** require clients to present a certificate signed by ca_file (mutual TLS). */
    verify_client: z.boolean().default(false),
  };
}

export interface ClientTlsConfig {
  cert_file: string;
  key_file: string;
  ca_file: string;
  verify_client: boolean;
}

/** The TLS options of a `[tls]` section, or undefined when no certificate is configured (the TLS listeners are then
 * off). A certificate without its key, or a file that cannot be read, throws an Error naming the key. */
export function loadClientTls(tls: ClientTlsConfig, section = 'tls'): TlsOptions | undefined {
  const { cert_file, key_file, ca_file, verify_client } = tls;
  if (!cert_file) return undefined;
  if (!key_file)
    throw new Error(
      `${section}.cert_file is set but ${section}.key_file is not: the TLS listeners need both`,
    );
  const read = (file: string, key: string): Buffer => {
    try {
      return readFileSync(file);
    } catch (err) {
      throw new Error(
        `${section}.${key} = ${JSON.stringify(file)} cannot be read: ${(err as Error).message}`,
        { cause: err },
      );
    }
  };
  return {
    cert: read(cert_file, 'cert_file'),
    key: read(key_file, 'key_file'),
    ...(ca_file ? { ca: read(ca_file, 'ca_file') } : {}),
    requestCert: verify_client,
    rejectUnauthorized: verify_client,
  };
}
