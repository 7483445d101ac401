// The broker's inner gRPC service (proto/mqtt/broker-inner.proto) on [network] grpc_port, called by the placement
// leader: SendLastWill publishes a due will here as if its client had published it; DeleteSession drops an expired
// session's state. Requests are checked before anything is done: a bad one gets INVALID_ARGUMENT naming the field.
import * as grpc from '@grpc/grpc-js';
import { clusterGrpcServerOptions, z, type Logger } from '@robustmq/common';
import {
  bindGrpcServer,
  clusterServerCredentials,
  type ClusterTls,
  brokerInnerServiceDefinition,
  grpcError,
  shutdownGrpcServer,
  unaryHandler,
  type BrokerInnerServiceHandlers,
  type LastWill__Output,
} from '@robustmq/protocol';
import type { Broker } from '../core/broker-core.js';
import { forwardedProperties } from '../packets/forwarded-properties.js';
import {
  endSession,
  handSessionOver,
  publishWill,
  type HandedSession,
} from '../session/session-lifecycle.js';
import type { WillMessage } from '../session/session.js';
import { fromJson } from '../storage/packet-json.js';
import { isValidTopicName } from '../routing/topic-validation.js';

class InvalidArgument extends Error {}
class FailedPrecondition extends Error {}

/** MQTT 5 properties a will may carry on to subscribers; anything else in the JSON is refused. */
const propertiesSchema = z.strictObject({
  payloadFormatIndicator: z.boolean().optional(),
  messageExpiryInterval: z.number().int().min(0).max(0xffffffff).optional(),
  contentType: z.string().optional(),
  responseTopic: z.string().refine(isValidTopicName, 'must be a topic name without wildcards').optional(),
  correlationData: z.instanceof(Buffer).optional(),
  userProperties: z.record(z.string(), z.union([z.string(), z.array(z.string())])).optional(),
});

function requireClientId(clientId: string): string {
  if (clientId === '') throw new InvalidArgument('client_id must not be empty');
  if (Buffer.byteLength(clientId) > 65_535) throw new InvalidArgument('client_id is longer than 65535 bytes');
  return clientId;
}

function parseWill(will: LastWill__Output | null): WillMessage {
  if (!will) throw new InvalidArgument('will is required');
  if (will.topic === '' || !isValidTopicName(will.topic))
    throw new InvalidArgument(`will.topic ${JSON.stringify(will.topic)} is not a valid topic name`);
  if (will.qos > 2) throw new InvalidArgument(`will.qos must be 0, 1 or 2, not ${will.qos}`);
  let properties: WillMessage['properties'];
  if (will.propertiesJson !== '') {
    let value: unknown;
    try {
      value = fromJson(Buffer.from(will.propertiesJson));
    } catch (err) {
      throw new InvalidArgument(`will.properties_json is not valid JSON: ${(err as Error).message}`);
    }
    const parsed = propertiesSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new InvalidArgument(
        `will.properties_json${issue.path.map((p) => `.${String(p)}`).join('')}: ${issue.message}`,
      );
    }
    properties = forwardedProperties(parsed.data);
  }
  return {
    topic: will.topic,
    payload: will.payload,
    qos: will.qos as 0 | 1 | 2,
    retain: will.retain,
    properties,
    delay: 0,
  };
}

function unary<Req, Res>(
  logger: Logger,
  handler: (request: Req) => Res | Promise<Res>,
): grpc.handleUnaryCall<Req, Res> {
  return unaryHandler(
    handler,
    (err) =>
      err instanceof InvalidArgument
        ? grpcError(grpc.status.INVALID_ARGUMENT, err.message)
        : err instanceof FailedPrecondition
          ? grpcError(grpc.status.FAILED_PRECONDITION, err.message)
          : undefined,
    (err) => logger.error({ err }, 'inner gRPC call failed'),
  );
}

/** how long a completed hand-over is remembered for a caller that asks again (its first call ran out of time). */
const HANDED_KEEP_MS = 60_000;

interface HandOver {
  to: number;
  at: number;
  settled: boolean;
  result: Promise<HandedSession | undefined>;
}

export function innerServiceHandlers(broker: Broker, logger: Logger): BrokerInnerServiceHandlers {
  // One hand-over per client at a time, remembered for a while: the broker that asked gets the same session again when
  // its first call ran out of time (the hand-over completed here meanwhile), and another broker asking for a session
  // just handed away is told to ask again later (by then placement names the broker that has it).
  const handOvers = new Map<string, HandOver>();
  const handOver = (clientId: string, to: number): Promise<HandedSession | undefined> => {
    const now = Date.now();
    for (const [id, entry] of handOvers)
      if (entry.settled && now - entry.at > HANDED_KEEP_MS) handOvers.delete(id);
    const entry = handOvers.get(clientId);
    // (a settled one counts only while the session has not come back here)
    if (entry && (!entry.settled || !broker.sessions.has(clientId))) {
      if (entry.to === to) return entry.result;
      throw new FailedPrecondition(
        `the session of "${clientId}" was just handed over to broker ${entry.to}; ask again`,
      );
    }
    const fresh: HandOver = { to, at: now, settled: false, result: handSessionOver(broker, clientId) };
    void fresh.result.then(
      () => {
        fresh.settled = true;
        fresh.at = Date.now();
      },
      () => handOvers.delete(clientId),
    );
    handOvers.set(clientId, fresh);
    return fresh.result;
  };
  return {
    SendLastWill: unary(logger, (request) => {
      const clientId = requireClientId(request.clientId);
      const will = parseWill(request.will);
      // placement saw the session disconnected; a client back on this broker means its view is stale (MQTT-3.1.3-9)
      if (broker.connectionOf(clientId))
        throw new FailedPrecondition(`client "${clientId}" is connected to this broker; its will is not due`);
      const session = broker.sessions.get(clientId);
      if (session?.pendingWill) {
        // this broker was holding the same will as a fallback: it goes out once, now
        clearTimeout(session.willTimer);
        session.willTimer = undefined;
        session.pendingWill = undefined;
      }
      broker.sessionSync?.forget(clientId);
      publishWill(broker, clientId, will);
      logger.info({ clientId, topic: will.topic }, 'will published for the placement center');
      return {};
    }),
    DeleteSession: unary(logger, async (request) => {
      const clientId = requireClientId(request.clientId);
      if (broker.connectionOf(clientId)) return { deleted: false };
      const session = broker.sessions.get(clientId);
      broker.sessionSync?.forget(clientId);
      // the will went out through placement before the session expired (or was cancelled): its stored copy goes too
      const hadWill = (await broker.persistence.delWill({ id: clientId })) !== undefined;
      if (session) {
        // placement published the will before expiring the session; it must not go out again from here
        session.pendingWill = undefined;
        await endSession(broker, session);
        logger.debug({ clientId }, 'session expired by the placement center');
        return { deleted: true };
      }
      if (broker.persistence.getSession(clientId)) {
        await broker.persistence.deleteSession(clientId);
        return { deleted: true };
      }
      return { deleted: hadWill };
    }),
    TakeOverSession: unary(logger, async (request) => {
      const clientId = requireClientId(request.clientId);
      const handed = await handOver(clientId, Number(request.brokerNodeId));
      if (!handed)
        return {
          found: false,
          subscriptionsJson: '',
          awaitingRelease: [],
          releasedJson: '',
          expiry: 0,
          incomingJson: '',
        };
      logger.debug({ clientId, to: Number(request.brokerNodeId) }, 'session handed over to another broker');
      return {
        found: true,
        subscriptionsJson: JSON.stringify(handed.subscriptions),
        awaitingRelease: handed.awaitingRelease.map((marker) => marker.id),
        incomingJson: JSON.stringify(handed.awaitingRelease),
        releasedJson: JSON.stringify(handed.released),
        expiry: handed.expiry,
      };
    }),
  };
}

export interface InnerGrpcServer {
  port: number;
  close(): Promise<void>;
}

export async function startInnerGrpc(
  broker: Broker,
  host: string,
  port: number,
  logger: Logger,
  authToken?: string,
  tls?: ClusterTls,
): Promise<InnerGrpcServer> {
  const server = new grpc.Server(clusterGrpcServerOptions(authToken, logger));
  server.addService(brokerInnerServiceDefinition(), innerServiceHandlers(broker, logger));
  const bound = await bindGrpcServer(
    server,
    host,
    port,
    'the inner gRPC port',
    clusterServerCredentials(tls),
  );
  return {
    port: bound,
    close: () => shutdownGrpcServer(server, 1_000),
  };
}
