// A client of the placement center: one object per service (cluster, kv, mqtt, journal) over one shared connection
// and failover core (connection.ts), so a caller reaches the service it uses — `placement.kv.get(key)`,
// `placement.journal.listSegments(ns, shard)` — and a new service (Kafka metadata) is one more client class here,
// not more methods on one class.
import { ClusterClient } from './cluster-client.js';
import { PlacementConnection, type PlacementClientOptions } from './connection.js';
import { JournalMetadataClient } from './journal-client.js';
import { KvClient } from './kv-client.js';
import { MqttMetadataClient } from './mqtt-client.js';

export class PlacementClient {
  readonly connection: PlacementConnection;
  readonly cluster: ClusterClient;
  readonly kv: KvClient;
  readonly mqtt: MqttMetadataClient;
  readonly journal: JournalMetadataClient;

  constructor(options: PlacementClientOptions) {
    this.connection = new PlacementConnection(options);
    this.cluster = new ClusterClient(this.connection);
    this.kv = new KvClient(this.connection, { batching: options.batching ?? true });
    this.mqtt = new MqttMetadataClient(this.connection);
    this.journal = new JournalMetadataClient(this.connection);
  }

  /** host:port of every placement member this client knows. */
  get addresses(): string[] {
    return this.connection.addresses;
  }

  close(): void {
    this.connection.close();
  }
}
