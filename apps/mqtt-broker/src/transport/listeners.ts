// The MQTT listeners: TCP (tcp_port), TLS (tls_port), WebSocket (ws_port) and secure WebSocket (wss_port), the
// WebSocket ones at path /mqtt with subprotocol `mqtt`, built on the protocol-neutral listeners of @robustmq/common
// (which turn each transport into a duplex byte stream, cap the sockets of all four together and apply the connect
// rate per address). Each stream goes to Broker.accept, so one Connection class serves them all. TLS and WSS are
// served only when a certificate is configured.
import {
  ConnectionGate,
  loadClientTls,
  startStreamListeners,
  type LimitReporter,
  type ListenerSpec,
  type Logger,
} from '@robustmq/common';
import type { Broker } from '../core/broker-core.js';
import { streamClosed, type Transport } from './connection.js';
import type { MqttBrokerConfig } from '../config.js';

export const WEBSOCKET_PATH = '/mqtt';
/** subprotocols MQTT clients offer: `mqtt` (3.1.1 and 5), `mqttv3.1` (3.1). */
const SUBPROTOCOLS = ['mqtt', 'mqttv3.1', 'mqttv3.1.1'];

export interface ListenerPorts {
  mqtt: number;
  tls?: number;
  ws?: number;
  wss?: number;
}

export interface Listeners {
  ports: ListenerPorts;
  /** the sockets of all MQTT listeners together. */
  gate: ConnectionGate;
  /** Stops accepting; resolves once the servers are closed (connections are closed by the broker). */
  close(): Promise<void>;
}

export interface ListenerLimits {
  /** sockets open at once across the four listeners. */
  maxSockets: number;
  reporter: LimitReporter;
  /** per-address connect rate check; false refuses the socket. */
  admit?: (remoteHost: string, listener: string) => boolean;
}

export async function startListeners(
  config: MqttBrokerConfig,
  broker: Broker,
  logger: Logger,
  limits: ListenerLimits,
): Promise<Listeners> {
  const { network } = config;
  const tlsOptions = loadClientTls(config.tls);
  const webSocket = {
    path: WEBSOCKET_PATH,
    subprotocols: SUBPROTOCOLS,
    // a WebSocket message carries at most one MQTT packet's worth of bytes in practice; the decoder checks the rest
    maxPayload: config.mqtt.max_packet_size + 8,
    upgradeRequiredMessage: JSON.stringify({
      code: 'UPGRADE_REQUIRED',
      message: `MQTT over WebSocket is served at ${WEBSOCKET_PATH}`,
    }),
  };
  const specs: ListenerSpec[] = [{ name: 'tcp', kind: 'tcp', port: network.tcp_port }];
  if (tlsOptions) specs.push({ name: 'tls', kind: 'tls', port: network.tls_port, tls: tlsOptions });
  if (network.ws_enabled) specs.push({ name: 'ws', kind: 'ws', port: network.ws_port, webSocket });
  if (tlsOptions)
    specs.push({ name: 'wss', kind: 'wss', port: network.wss_port, tls: tlsOptions, webSocket });

  // a plain TCP connection learns of its socket's close from the gate's listener (transport/connection.ts)
  const gate = new ConnectionGate(limits.maxSockets, limits.reporter, streamClosed);
  const started = await startStreamListeners({
    host: network.host,
    listeners: specs,
    gate,
    ...(limits.admit ? { admit: limits.admit } : {}),
    // the peer's address is read when needed (a TCP or TLS stream is its own socket; a WebSocket's is kept)
    onStream: (stream, info) =>
      broker.accept(
        stream,
        info.kind as Transport,
        info.kind === 'tcp',
        stream === info.socket ? undefined : info.socket,
      ),
    logger,
  });
  const { tcp, tls, ws, wss } = started.ports;
  return {
    ports: { mqtt: tcp!, ...(tls ? { tls } : {}), ...(ws ? { ws } : {}), ...(wss ? { wss } : {}) },
    gate,
    close: () => started.close(),
  };
}
