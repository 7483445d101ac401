// A registered node as the state machine stores it (JSON under node/<type>/<cluster>/<id>). Its own file because both
// the command types (commands.ts) and the record layout (records.ts, which imports commands.ts) name it.
export interface StoredNode {
  clusterType: string;
  clusterName: string;
  nodeId: number;
  host: string;
  ports: Record<string, number>;
  labels: Record<string, string>;
  registeredAtMs: number;
}
