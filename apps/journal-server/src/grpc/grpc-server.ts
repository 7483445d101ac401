// Serves the journal server's inner gRPC service (port 2228) with @grpc/grpc-js.
import * as grpc from '@grpc/grpc-js';
import { clusterGrpcServerOptions, type Logger } from '@robustmq/common';
import {
  bindGrpcServer,
  clusterServerCredentials,
  journalInnerServiceDefinition,
  shutdownGrpcServer,
  type ClusterTls,
} from '@robustmq/protocol';
import type { JournalNode } from '../replication/journal-node.js';
import { innerServiceHandlers } from './inner-service.js';

export interface InnerGrpcServer {
  port: number;
  close(): Promise<void>;
}

export async function startInnerGrpcServer(
  node: JournalNode,
  options: {
    host: string;
    port: number;
    authToken?: string | undefined;
    tls?: ClusterTls | undefined;
    logger?: Logger;
  },
): Promise<InnerGrpcServer> {
  const server = new grpc.Server(clusterGrpcServerOptions(options.authToken, options.logger));
  server.addService(journalInnerServiceDefinition(), innerServiceHandlers(node));
  const port = await bindGrpcServer(
    server,
    options.host,
    options.port,
    'gRPC port',
    clusterServerCredentials(options.tls),
  );
  return {
    port,
    // in-flight calls (an activation recovering a segment) may take long: give them a moment, then cut them
    close: () => shutdownGrpcServer(server, 2_000),
  };
}
