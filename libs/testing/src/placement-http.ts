// What a placement center's HTTP admin API says about registered nodes: for tests of services running as processes,
// which can only be watched from outside.

export interface RegisteredNode {
  nodeId: number;
  ports: Record<string, number>;
}

/** GET <http>/api/v1/cluster/nodes?cluster_type=… (e.g. MQTT_BROKER, JOURNAL_SERVER). */
export async function registeredNodes(httpBase: string, clusterType: string): Promise<RegisteredNode[]> {
  const response = await fetch(`${httpBase}/api/v1/cluster/nodes?cluster_type=${clusterType}`);
  if (!response.ok) throw new Error(`GET nodes of ${clusterType}: HTTP ${response.status}`);
  return ((await response.json()) as { nodes: RegisteredNode[] }).nodes;
}
