// gRPC ClusterService: node registration, heartbeats, unregistration and listing, over the NodeRegistry.
import * as grpc from '@grpc/grpc-js';
import { CLUSTER_TYPE_NAMES, type ClusterServiceHandlers, type NodeInfo } from '@robustmq/protocol';
import type { NodeRegistry } from '../cluster/node-registry.js';
import { UnknownNodeError, type RegisteredNode } from '../cluster/node-registry.js';
import { writeOptions } from '../metadata/write-options.js';
import { InvalidArgument, grpcError, unary } from './grpc-errors.js';

const CLUSTER_TYPES: ReadonlySet<string> = new Set(CLUSTER_TYPE_NAMES);

function checkNodeRef(clusterType: string, clusterName: string, nodeId: number): void {
  if (!CLUSTER_TYPES.has(clusterType)) {
    throw new InvalidArgument(
      `cluster_type must be one of ${[...CLUSTER_TYPES].join(', ')}, got ${clusterType}`,
    );
  }
  if (!clusterName) throw new InvalidArgument('cluster_name must not be empty');
  if (!Number.isSafeInteger(nodeId) || nodeId <= 0)
    throw new InvalidArgument(`node_id must be a positive integer, got ${nodeId}`);
}

function mapError(err: unknown) {
  return err instanceof UnknownNodeError ? grpcError(grpc.status.NOT_FOUND, err.message) : undefined;
}

function toNodeInfo(node: RegisteredNode): NodeInfo {
  return {
    clusterType: node.clusterType as NodeInfo['clusterType'],
    clusterName: node.clusterName,
    nodeId: node.nodeId,
    host: node.host,
    ports: node.ports,
    labels: node.labels,
    registeredAtMs: node.registeredAtMs,
    lastHeartbeatMs: node.lastHeartbeatMs,
  };
}

export function clusterServiceHandlers(
  registry: NodeRegistry,
  heartbeat: { intervalMs: number; timeoutMs: number },
): ClusterServiceHandlers {
  return {
    RegisterNode: unary(async (request) => {
      const node = request.node;
      if (!node) throw new InvalidArgument('node is required');
      checkNodeRef(node.clusterType, node.clusterName, node.nodeId);
      if (!node.host) throw new InvalidArgument('node.host must not be empty');
      for (const [name, port] of Object.entries(node.ports)) {
        if (!Number.isInteger(port) || port <= 0 || port > 65535) {
          throw new InvalidArgument(`node.ports.${name} must be a port number 1-65535, got ${port}`);
        }
      }
      await registry.register(
        {
          clusterType: node.clusterType,
          clusterName: node.clusterName,
          nodeId: node.nodeId,
          host: node.host,
          ports: node.ports,
          labels: node.labels,
          registeredAtMs: Date.now(),
        },
        writeOptions(request),
      );
      return { heartbeatIntervalMs: heartbeat.intervalMs, heartbeatTimeoutMs: heartbeat.timeoutMs };
    }, mapError),
    Heartbeat: unary(async (request) => {
      checkNodeRef(request.clusterType, request.clusterName, request.nodeId);
      registry.heartbeat(request.clusterType, request.clusterName, request.nodeId);
      return {};
    }, mapError),
    UnregisterNode: unary(async (request) => {
      checkNodeRef(request.clusterType, request.clusterName, request.nodeId);
      await registry.unregister(
        request.clusterType,
        request.clusterName,
        request.nodeId,
        writeOptions(request),
      );
      return {};
    }, mapError),
    ListNodes: unary(async (request) => {
      const type = request.clusterType === 'CLUSTER_TYPE_UNSPECIFIED' ? undefined : request.clusterType;
      return { nodes: registry.list(type, request.clusterName || undefined).map(toNodeInfo) };
    }, mapError),
  };
}
