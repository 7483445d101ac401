// Serves the journal server's inner gRPC service (port 2228) with @grpc/grpc-js.
import * as grpc from '@grpc/grpc-js';
import { journalInnerServiceDefinition } from '@robustmq/protocol';
import type { JournalNode } from '../replication/journal-node.js';
import { innerServiceHandlers } from './inner-service.js';

export interface InnerGrpcServer {
  port: number;
  close(): Promise<void>;
}

export async function startInnerGrpcServer(node: JournalNode, options: { host: string; port: number }): Promise<InnerGrpcServer> {
  const server = new grpc.Server();
  server.addService(journalInnerServiceDefinition(), innerServiceHandlers(node));
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${options.host}:${options.port}`, grpc.ServerCredentials.createInsecure(), (err, bound) =>
      err ? reject(new Error(`cannot bind gRPC port ${options.port}: ${err.message}`)) : resolve(bound),
    ),
  );
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        // in-flight calls (an activation recovering a segment) may take long: give them a moment, then cut them
        const force = setTimeout(() => server.forceShutdown(), 2_000);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      }),
  };
}
