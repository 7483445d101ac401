// Loads proto/ at run time with @grpc/proto-loader and hands out typed service definitions and client classes.
// The types come from src/generated (see scripts/generate.mjs); the loader options below must match its flags.
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType as ClusterProto } from '../generated/cluster.js';
import type { ProtoGrpcType as KvProto } from '../generated/kv.js';
import type { ProtoGrpcType as MqttProto } from '../generated/mqtt.js';
import type { ProtoGrpcType as JournalProto } from '../generated/journal.js';

/** proto/ at the repository root; this file sits at libs/protocol/{src,dist}/grpc/. */
export const PROTO_DIR = fileURLToPath(new URL('../../../../proto', import.meta.url));

export const LOADER_OPTIONS: protoLoader.Options = {
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
  includeDirs: [PROTO_DIR],
};

function load<T>(file: string): T {
  const definition = protoLoader.loadSync(file, LOADER_OPTIONS);
  return grpc.loadPackageDefinition(definition) as unknown as T;
}

/** A getter of the package loaded from `file` (below proto/), loaded on the first call and kept. */
export function lazyProto<T>(file: string): () => T {
  let cached: T | undefined;
  return () => (cached ??= load<T>(file));
}

/** What proto-loader makes of a `service`: the client class, with the service's definition on it. */
type ServiceConstructor<C> = (new (
  address: string,
  credentials: grpc.ChannelCredentials,
  options?: grpc.ClientOptions,
) => C) & { service: grpc.ServiceDefinition };

/**
 * A service's two typed entry points — its definition (for a server's addService) and a client factory — from the
 * getter of its constructor in a loaded package, so each service file names the service once.
 */
export function grpcService<C>(service: () => ServiceConstructor<C>) {
  return {
    definition: (): grpc.ServiceDefinition => service().service,
    newClient: (address: string, credentials: grpc.ChannelCredentials, options?: grpc.ClientOptions): C => {
      const Ctor = service();
      return new Ctor(address, credentials, options);
    },
  };
}

export interface PlacementProtos {
  cluster: ClusterProto;
  kv: KvProto;
  mqtt: MqttProto;
  journal: JournalProto;
}

let cached: PlacementProtos | undefined;

/** The placement center's gRPC packages, loaded once per process. */
export function placementProtos(): PlacementProtos {
  cached ??= {
    cluster: load<ClusterProto>('placement/cluster.proto'),
    kv: load<KvProto>('placement/kv.proto'),
    mqtt: load<MqttProto>('placement/mqtt.proto'),
    journal: load<JournalProto>('placement/journal.proto'),
  };
  return cached;
}
