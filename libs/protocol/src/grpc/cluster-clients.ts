// The gRPC clients one cluster member keeps towards its peers' internal services (a broker's BrokerInnerService, a
// journal server's JournalInnerService): one channel per peer address, made on first use with the cluster's
// credentials (the shared token and, when configured, TLS), all closed together when their owner stops.
import type * as grpc from '@grpc/grpc-js';
import type { ClusterTls } from '../tls/cluster-tls.js';
import { clusterChannelCredentials } from '../tls/cluster-tls.js';
import { clusterClientOptions } from './cluster-auth.js';

/** how a service's typed client is made (newBrokerInnerClient, newJournalInnerClient). */
export type ClusterClientFactory<C> = (
  address: string,
  credentials: grpc.ChannelCredentials,
  options: grpc.ClientOptions,
) => C;

export class ClusterClients<C extends { close(): void }> {
  private readonly clients = new Map<string, C>();

  constructor(
    private readonly make: ClusterClientFactory<C>,
    /** the cluster secret ([cluster] auth_token) and TLS; undefined = none. */
    private readonly auth: { authToken?: string | undefined; tls?: ClusterTls | undefined },
  ) {}

  /** the client of the peer at `address` (host:port). */
  get(address: string): C {
    let client = this.clients.get(address);
    if (!client) {
      client = this.make(
        address,
        clusterChannelCredentials(this.auth.tls),
        clusterClientOptions(this.auth.authToken),
      );
      this.clients.set(address, client);
    }
    return client;
  }

  close(): void {
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
  }
}
