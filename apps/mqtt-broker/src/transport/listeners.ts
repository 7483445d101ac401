// The MQTT listeners: TCP (tcp_port), TLS (tls_port), WebSocket (ws_port) and secure WebSocket (wss_port), the
// WebSocket ones at path /mqtt with subprotocol `mqtt`. Each turns its transport into a duplex byte stream and hands
// it to Broker.accept, so one Connection class serves them all. Every TCP-based listener disables Nagle
// (TCP_NODELAY): MQTT packets are small and latency matters more than packing them. TLS and WSS are served only when
// a certificate is configured.
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TlsOptions } from 'node:tls';
import { closeServer, listen, type Logger } from '@robustmq/common';
import { WebSocketServer, createWebSocketStream, type WebSocket } from 'ws';
import type { Broker } from '../core/broker-core.js';
import type { Transport } from './connection.js';
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
  /** Stops accepting; resolves once the servers are closed (connections are closed by the broker). */
  close(): Promise<void>;
}

export async function startListeners(config: MqttBrokerConfig, broker: Broker, logger: Logger): Promise<Listeners> {
  const { network } = config;
  const servers: Server[] = [];
  const webSockets: WebSocketServer[] = [];
  const close = async (): Promise<void> => {
    for (const wss of webSockets) wss.close();
    await Promise.all(
      servers.map(async (server) => {
        const closed = server.listening ? closeServer(server) : Promise.resolve();
        // HTTP servers keep idle keep-alive sockets; upgraded ones are closed by the broker
        (server as HttpServer).closeIdleConnections?.();
        await closed;
      }),
    );
  };
  const serve = async <S extends Server>(server: S, port: number, name: string): Promise<number> => {
    servers.push(server);
    server.on('error', (err) => logger.error({ err, listener: name }, 'MQTT listener error'));
    return listen(server, port, network.host);
  };

  try {
    const ports: ListenerPorts = { mqtt: 0 };
    const tcp = createTcpServer({ noDelay: true }, (socket) => broker.accept(socket, addressOf(socket), 'tcp'));
    ports.mqtt = await serve(tcp, network.tcp_port, 'tcp');

    const tlsOptions = loadTls(config);
    if (tlsOptions) {
      const tls = createTlsServer({ ...tlsOptions, noDelay: true }, (socket) => broker.accept(socket, addressOf(socket), 'tls'));
      // a failed handshake is the client's problem, not a listener error
      tls.on('tlsClientError', (err) => logger.debug({ err: err.message }, 'TLS handshake failed'));
      ports.tls = await serve(tls, network.tls_port, 'tls');
    }
    if (network.ws_enabled) {
      const http = createHttpServer({ noDelay: true }, upgradeRequired);
      webSockets.push(attachWebSocket(http, broker, config, 'ws'));
      ports.ws = await serve(http, network.ws_port, 'ws');
    }
    if (tlsOptions) {
      const https = createHttpsServer({ ...tlsOptions, noDelay: true }, upgradeRequired);
      https.on('tlsClientError', (err) => logger.debug({ err: err.message }, 'TLS handshake failed'));
      webSockets.push(attachWebSocket(https, broker, config, 'wss'));
      ports.wss = await serve(https, network.wss_port, 'wss');
    }
    return { ports, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** The TLS options from `[tls]`, or undefined when no certificate is configured (TLS and WSS are then off). */
function loadTls(config: MqttBrokerConfig): TlsOptions | undefined {
  const { cert_file, key_file, ca_file, verify_client } = config.tls;
  if (!cert_file) return undefined;
  if (!key_file) throw new Error('tls.cert_file is set but tls.key_file is not: the TLS listeners need both');
  const read = (file: string, key: string): Buffer => {
    try {
      return readFileSync(file);
    } catch (err) {
      throw new Error(`tls.${key} = ${JSON.stringify(file)} cannot be read: ${(err as Error).message}`, { cause: err });
    }
  };
  return {
    cert: read(cert_file, 'cert_file'),
    key: read(key_file, 'key_file'),
    ...(ca_file ? { ca: read(ca_file, 'ca_file') } : {}),
    requestCert: verify_client,
    rejectUnauthorized: verify_client,
  };
}

function attachWebSocket(server: HttpServer, broker: Broker, config: MqttBrokerConfig, transport: Transport): WebSocketServer {
  const wss = new WebSocketServer({
    server,
    path: WEBSOCKET_PATH,
    // a WebSocket message carries at most one MQTT packet's worth of bytes in practice; the decoder checks the rest
    maxPayload: config.mqtt.max_packet_size + 8,
    perMessageDeflate: false,
    handleProtocols: (offered) => {
      for (const protocol of offered) if (SUBPROTOCOLS.includes(protocol)) return protocol;
      return false;
    },
  });
  wss.on('connection', (ws: WebSocket, request: IncomingMessage) => {
    const stream = createWebSocketStream(ws);
    broker.accept(stream, addressOf(request.socket), transport);
  });
  return wss;
}

function upgradeRequired(_request: IncomingMessage, response: ServerResponse): void {
  response.writeHead(426, { 'content-type': 'application/json', upgrade: 'websocket' });
  response.end(JSON.stringify({ code: 'UPGRADE_REQUIRED', message: `MQTT over WebSocket is served at ${WEBSOCKET_PATH}` }));
}

function addressOf(socket: Socket): string {
  return `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
}
