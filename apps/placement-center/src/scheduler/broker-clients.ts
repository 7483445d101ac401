// gRPC clients of the MQTT brokers' inner service (port `ports.grpc` of their node record), one channel per broker
// address, used by the leader to publish due wills and to drop expired sessions. Every call has a deadline, so a
// broker that hangs delays only its own work.
import * as grpc from '@grpc/grpc-js';
import {
  ClusterClients,
  newBrokerInnerClient,
  type BrokerInnerServiceClient,
  type ClusterTls,
  type LastWill,
} from '@robustmq/protocol';
import type { StoredNode } from '../state/records.js';

export class BrokerCallError extends Error {
  constructor(
    readonly code: grpc.status,
    message: string,
  ) {
    super(message);
    this.name = 'BrokerCallError';
  }
}

/** host:port of a broker's inner gRPC service, or undefined when its node record advertises none. */
export function brokerInnerAddress(node: StoredNode): string | undefined {
  const port = node.ports.grpc;
  return port ? `${node.host}:${port}` : undefined;
}

export class BrokerClients {
  private readonly clients: ClusterClients<BrokerInnerServiceClient>;

  constructor(
    private readonly callTimeoutMs: number,
    authToken?: string,
    tls?: ClusterTls,
  ) {
    this.clients = new ClusterClients(newBrokerInnerClient, { authToken, tls });
  }

  async sendLastWill(address: string, clientId: string, will: LastWill): Promise<void> {
    await this.call(address, 'SendLastWill', { clientId, will });
  }

  /** True when the broker held (and dropped) state for the client. */
  async deleteSession(address: string, clientId: string): Promise<boolean> {
    return (await this.call<{ deleted: boolean }>(address, 'DeleteSession', { clientId })).deleted;
  }

  private call<Res>(
    address: string,
    method: 'SendLastWill' | 'DeleteSession',
    request: object,
  ): Promise<Res> {
    const client = this.clients.get(address);
    const fn = (
      client as unknown as Record<
        string,
        grpc.requestCallback<Res> & ((...args: unknown[]) => grpc.ClientUnaryCall)
      >
    )[method]!;
    return new Promise<Res>((resolve, reject) => {
      fn.call(
        client,
        request,
        new grpc.Metadata(),
        { deadline: Date.now() + this.callTimeoutMs },
        (err: grpc.ServiceError | null, res?: Res) => {
          if (err)
            reject(
              new BrokerCallError(err.code, `${method} on broker ${address}: ${err.details || err.message}`),
            );
          else resolve(res as Res);
        },
      );
    });
  }

  close(): void {
    this.clients.close();
  }
}
