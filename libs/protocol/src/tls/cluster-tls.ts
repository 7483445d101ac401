// TLS for the cluster-internal channels (placement gRPC 1228 incl. Raft, journal gRPC 2228 and data port 1778,
// broker inner gRPC 9981): one node certificate + key and one CA, read from files and re-read while the process runs,
// so a certificate can be rotated by replacing its files. Every channel takes its credentials from here: the gRPC
// servers and clients through grpc-js's certificate-provider credentials (this class is the provider), the journal
// data port (plain node:tls) through secureContext() and onChange(). The node's certificate serves both ends: it is
// the server certificate of its own ports and the client certificate it presents to its peers (mutual TLS).
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import * as tls from 'node:tls';
import * as grpc from '@grpc/grpc-js';

export interface ClusterTlsFiles {
  /** the node's certificate chain (PEM): server certificate of its ports and client certificate to its peers. */
  certFile: string;
  keyFile: string;
  /** the CA certificate(s) (PEM) peers' certificates must chain to. */
  caFile: string;
  /** mutual TLS: refuse peers that present no certificate signed by the CA. false: only servers are verified. */
  requireClientCert: boolean;
  /** how often the files are re-read for changes (default 5 s). */
  reloadIntervalMs?: number;
}

interface Material {
  cert: Buffer;
  key: Buffer;
  ca: Buffer;
}

export type ClusterTlsEvent = { type: 'reloaded' } | { type: 'reload-failed'; error: Error };

/** Where the settings live, named in every error so the operator knows what to fix. */
export const CLUSTER_TLS_CONFIG_KEYS = '[cluster] tls_cert_file / tls_key_file / tls_ca_file';

/** Builds a context from the material, which also checks it: unreadable PEM or a key that does not match the
 * certificate throws here instead of failing every handshake later. */
function contextOf(m: Material): tls.SecureContext {
  return tls.createSecureContext({ cert: m.cert, key: m.key, ca: m.ca });
}

function sameMaterial(a: Material, b: Material): boolean {
  return a.cert.equals(b.cert) && a.key.equals(b.key) && a.ca.equals(b.ca);
}

export class ClusterTls implements grpc.experimental.CertificateProvider {
  readonly requireClientCert: boolean;
  private material: Material;
  private context: tls.SecureContext;
  private readonly caListeners = new Set<grpc.experimental.CaCertificateUpdateListener>();
  private readonly identityListeners = new Set<grpc.experimental.IdentityCertificateUpdateListener>();
  private readonly changeListeners = new Set<(m: Material) => void>();
  private readonly eventListeners = new Set<(e: ClusterTlsEvent) => void>();
  private readonly timer: NodeJS.Timeout;
  private reading = false;
  /** the last material that failed to load, so a broken rotation is reported once, not every interval. */
  private lastFailed: Material | undefined;
  private lastReadError: string | undefined;
  private serverCreds: grpc.ServerCredentials | undefined;
  private channelCreds: grpc.ChannelCredentials | undefined;

  /** Reads the files now (throws an Error naming the file when one cannot be read or the set does not fit). */
  constructor(private readonly files: ClusterTlsFiles) {
    this.requireClientCert = files.requireClientCert;
    const read = (what: string, file: string) => {
      try {
        return readFileSync(file);
      } catch (err) {
        throw new Error(`cannot read the cluster TLS ${what} ${file}: ${(err as Error).message}`);
      }
    };
    this.material = {
      cert: read('certificate', files.certFile),
      key: read('key', files.keyFile),
      ca: read('CA certificate', files.caFile),
    };
    try {
      this.context = contextOf(this.material);
    } catch (err) {
      throw new Error(
        `the cluster TLS files do not form a usable set (${files.certFile}, ${files.keyFile}, ${files.caFile}): ${(err as Error).message}`,
      );
    }
    this.timer = setInterval(() => void this.reload(), files.reloadIntervalMs ?? 5_000);
    this.timer.unref();
  }

  /** The current context, for a new outgoing data-port connection (carries the client certificate and the CA). */
  secureContext(): tls.SecureContext {
    return this.context;
  }

  /** Options for tls.createServer (which builds its own context from them); pass later changes on with onChange +
   * server.setSecureContext(contextOptions()). */
  serverOptions(): tls.TlsOptions {
    return { ...this.contextOptions(), requestCert: true, rejectUnauthorized: this.requireClientCert };
  }

  /** Options for tls.connect to host: the current context; SNI only for names (RFC 6066 forbids IP addresses). */
  clientOptions(host: string): tls.ConnectionOptions {
    return { secureContext: this.context, ...(isIP(host) ? {} : { servername: host }) };
  }

  /** The options to hand to a node:tls server's setSecureContext after a change. */
  contextOptions(): tls.SecureContextOptions {
    return { cert: this.material.cert, key: this.material.key, ca: this.material.ca };
  }

  /** Credentials for every cluster-internal gRPC server; they follow reloads. One object, so servers share it. */
  serverCredentials(): grpc.ServerCredentials {
    // The same provider for CA and identity: grpc-js 1.14 passes the two arguments in swapped order internally, and
    // with one object the order cannot matter. requestCert is on either way; only mTLS rejects a missing/foreign cert.
    this.serverCreds ??= grpc.experimental.createCertificateProviderServerCredentials(
      this,
      this,
      this.requireClientCert,
    );
    return this.serverCreds;
  }

  /** Credentials for every cluster-internal gRPC client: verify the server against the CA, present our certificate. */
  channelCredentials(): grpc.ChannelCredentials {
    this.channelCreds ??= grpc.experimental.createCertificateProviderChannelCredentials(this, this);
    return this.channelCreds;
  }

  /** Called with every successful reload (for node:tls servers' setSecureContext); returns an unsubscribe. */
  onChange(listener: () => void): () => void {
    const l = () => listener();
    this.changeListeners.add(l);
    return () => this.changeListeners.delete(l);
  }

  /** Reload outcomes, for logging. */
  onEvent(listener: (e: ClusterTlsEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  /** Re-reads the files and switches to them when they changed and form a usable set; a half-written rotation (new
   * certificate, old key) keeps the old set until the files fit together. Resolves true when it switched. */
  async reload(): Promise<boolean> {
    if (this.reading) return false;
    this.reading = true;
    try {
      let next: Material;
      try {
        const [cert, key, ca] = await Promise.all([
          readFile(this.files.certFile),
          readFile(this.files.keyFile),
          readFile(this.files.caFile),
        ]);
        next = { cert, key, ca };
      } catch (err) {
        // a file briefly missing while being replaced: try again next interval (reported once per cause)
        const message = (err as Error).message;
        if (message !== this.lastReadError) this.emit({ type: 'reload-failed', error: err as Error });
        this.lastReadError = message;
        return false;
      }
      this.lastReadError = undefined;
      if (sameMaterial(next, this.material)) return false;
      let context: tls.SecureContext;
      try {
        context = contextOf(next);
      } catch (err) {
        if (!this.lastFailed || !sameMaterial(next, this.lastFailed))
          this.emit({ type: 'reload-failed', error: err as Error });
        this.lastFailed = next;
        return false;
      }
      this.material = next;
      this.context = context;
      this.lastFailed = undefined;
      for (const l of this.identityListeners) l({ certificate: next.cert, privateKey: next.key });
      for (const l of this.caListeners) l({ caCertificate: next.ca });
      for (const l of this.changeListeners) l(next);
      this.emit({ type: 'reloaded' });
      return true;
    } finally {
      this.reading = false;
    }
  }

  close(): void {
    clearInterval(this.timer);
  }

  private emit(e: ClusterTlsEvent): void {
    for (const l of this.eventListeners) l(e);
  }

  // grpc.experimental.CertificateProvider. The first update goes out on the next tick, as grpc-js's own file
  // watcher does: a server reads its initial options before it subscribes, and would miss a synchronous one.
  addCaCertificateListener(listener: grpc.experimental.CaCertificateUpdateListener): void {
    this.caListeners.add(listener);
    process.nextTick(() => {
      if (this.caListeners.has(listener)) listener({ caCertificate: this.material.ca });
    });
  }

  removeCaCertificateListener(listener: grpc.experimental.CaCertificateUpdateListener): void {
    this.caListeners.delete(listener);
  }

  addIdentityCertificateListener(listener: grpc.experimental.IdentityCertificateUpdateListener): void {
    this.identityListeners.add(listener);
    process.nextTick(() => {
      if (this.identityListeners.has(listener))
        listener({ certificate: this.material.cert, privateKey: this.material.key });
    });
  }

  removeIdentityCertificateListener(listener: grpc.experimental.IdentityCertificateUpdateListener): void {
    this.identityListeners.delete(listener);
  }
}

/** Channel credentials for a cluster-internal gRPC client: TLS when configured, plaintext otherwise. */
export function clusterChannelCredentials(tls: ClusterTls | undefined): grpc.ChannelCredentials {
  return tls ? tls.channelCredentials() : grpc.credentials.createInsecure();
}

/** Server credentials for a cluster-internal gRPC port: TLS when configured, plaintext otherwise. */
export function clusterServerCredentials(tls: ClusterTls | undefined): grpc.ServerCredentials {
  return tls ? tls.serverCredentials() : grpc.ServerCredentials.createInsecure();
}
