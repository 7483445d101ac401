// Client-facing listeners that know no protocol: plain TCP, TLS, WebSocket and secure WebSocket servers that turn
// each accepted connection into a duplex byte stream and hand it on (the MQTT broker's `Broker.accept`; a Kafka
// broker's, later). What they share is what protects the process: one connection gate across all of them, checked
// on the raw socket before any TLS handshake or HTTP parsing, so a flood of sockets costs a descriptor only for the
// instant it takes to close it; an admission hook (connect rate per address) at the same point; TCP_NODELAY; and a
// TLS handshake deadline, so a half-open TLS socket does not hold its descriptor for node's default two minutes.
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server as HttpServer,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { Writable, type Duplex } from 'node:stream';
import { createServer as createTlsServer, type TlsOptions } from 'node:tls';
import { WebSocketServer, createWebSocketStream, type WebSocket } from 'ws';
import type { LimitReporter } from '../limits/limit-reporter.js';
import type { Logger } from '../log/logger.js';
import { closeServer, listen } from './listen.js';

export type ListenerKind = 'tcp' | 'tls' | 'ws' | 'wss';

export interface WebSocketSpec {
  /** the only path upgraded; any other request is answered 426 (or 404 for the path). */
  path: string;
  /** subprotocols accepted, in order of preference; a client offering none of them is refused. */
  subprotocols: string[];
  /** largest WebSocket message accepted, bytes. */
  maxPayload: number;
  /** the JSON body of the answer to a plain HTTP request (`{code, message}`). */
  upgradeRequiredMessage: string;
}

export interface ListenerSpec {
  /** the key of its port in the result, and its name in logs and metrics (e.g. "tcp", "wss"). */
  name: string;
  kind: ListenerKind;
  port: number;
  /** tls and wss: certificate, key, client-certificate checks. */
  tls?: TlsOptions;
  /** ws and wss. */
  webSocket?: WebSocketSpec;
}

/** Where a stream came from. The peer's address is read from the socket when asked, not before: reading it makes Node
 * cache an address object on the socket (88 bytes per connection that an owner with no use for it need not pay). */
export class StreamInfo {
  constructor(
    /** the TCP (or TLS) socket: the stream itself, or the one under a WebSocket. */
    readonly socket: Socket,
    readonly listener: string,
    readonly kind: ListenerKind,
  ) {}

  /** the peer's IP address alone (what per-address limits key on): the string the socket caches, not a copy. */
  get remoteHost(): string {
    return this.socket.remoteAddress ?? '?';
  }

  /** the peer's port (0 when the socket no longer knows it). */
  get remotePort(): number {
    return this.socket.remotePort ?? 0;
  }

  /** "host:port" of the peer. */
  get remoteAddress(): string {
    return `${this.remoteHost}:${this.socket.remotePort ?? '?'}`;
  }
}

/** Caps the sockets open at once across every listener it is given to. */
export class ConnectionGate {
  private openSockets = 0;
  /** one 'close' listener for every socket admitted, rather than a closure (and a once-wrapper) each. */
  private readonly release: (this: Socket) => void;

  constructor(
    /** sockets open at once at most; 0 = no cap. */
    readonly limit: number,
    private readonly reporter?: LimitReporter,
    /** called from the gate's 'close' listener for every admitted socket: the owner of a plain TCP stream (the raw
     * socket itself) needs no 'close' listener of its own. Two listeners of one event cost an array on the socket
     * (64 bytes per connection; issue 16). */
    onSocketClose?: (socket: Socket) => void,
  ) {
    const closed = (): void => {
      this.openSockets--;
    };
    this.release = onSocketClose
      ? function (this: Socket): void {
          closed();
          onSocketClose(this);
        }
      : closed;
  }

  get open(): number {
    return this.openSockets;
  }

  /** Counts the socket in until it closes, or refuses it (the caller then destroys it). */
  admit(socket: Socket, listener: string): boolean {
    if (this.limit > 0 && this.openSockets >= this.limit) {
      this.reporter?.hit('connection_cap', listener, socket.remoteAddress);
      return false;
    }
    this.openSockets++;
    // 'close' is emitted once per socket, so `on` needs no once-wrapper
    socket.on('close', this.release);
    return true;
  }
}

export interface StreamListenersOptions {
  host: string;
  listeners: ListenerSpec[];
  gate: ConnectionGate;
  /** a further check on each raw socket (e.g. connect rate per address): false closes it before any byte is read. */
  admit?: (remoteHost: string, listener: string) => boolean;
  /** a connection is ready: its byte stream (a TCP or TLS socket, or a WebSocket stream). */
  onStream: (stream: Duplex, info: StreamInfo) => void;
  logger: Logger;
  /** a TLS handshake not done after this long is dropped. */
  tlsHandshakeTimeoutMs?: number;
}

export interface StreamListeners {
  /** bound port of each listener, by name. */
  ports: Record<string, number>;
  /** Stops accepting; resolves once the servers are closed (open streams are the owner's to close). */
  close(): Promise<void>;
}

/**
 * V8 fixes the in-object size of a constructor's objects after its first few instances ("slack tracking"), from the
 * properties those have by then. Node's WritableState gains a property (the write callback's) at its first write,
 * and a server process starts with only a couple of streams: so whether that property sits in every socket's
 * WritableState or costs each socket a separate 40-byte property array — for its lifetime — depended on whether one
 * of the first sockets accepted had written before the next few were accepted (measured: either, from one run to the
 * next; issue 16). A stream written before the first socket is accepted, and kept (V8 forgets the layout of objects
 * that died), settles it.
 */
let layoutSettler: Writable | undefined;
function settleStreamLayouts(): void {
  if (layoutSettler !== undefined) return;
  layoutSettler = new Writable({ write: (_chunk, _encoding, done) => done() });
  layoutSettler.write(Buffer.alloc(1));
}

export async function startStreamListeners(options: StreamListenersOptions): Promise<StreamListeners> {
  settleStreamLayouts();
  const servers: Server[] = [];
  const webSockets: WebSocketServer[] = [];
  const close = async (): Promise<void> => {
    for (const wss of webSockets) wss.close();
    await Promise.all(
      servers.map(async (server) => {
        const closed = server.listening ? closeServer(server) : Promise.resolve();
        // HTTP servers keep idle keep-alive sockets; upgraded ones belong to the owner
        (server as HttpServer).closeIdleConnections?.();
        await closed;
      }),
    );
  };
  const handshakeTimeout = options.tlsHandshakeTimeoutMs ?? 10_000;

  try {
    const ports: Record<string, number> = {};
    for (const spec of options.listeners) {
      const server = createListener(spec, options, handshakeTimeout, webSockets);
      // first in line, before TLS or HTTP see the socket
      server.prependListener('connection', (socket: Socket) => {
        if (
          !options.gate.admit(socket, spec.name) ||
          (options.admit && !options.admit(socket.remoteAddress ?? '', spec.name))
        ) {
          socket.destroy();
        }
      });
      server.on('error', (err) => options.logger.error({ err, listener: spec.name }, 'listener error'));
      servers.push(server);
      ports[spec.name] = await listen(server, spec.port, options.host);
    }
    return { ports, close };
  } catch (err) {
    await close();
    throw err;
  }
}

function infoOf(socket: Socket, spec: ListenerSpec): StreamInfo {
  return new StreamInfo(socket, spec.name, spec.kind);
}

function createListener(
  spec: ListenerSpec,
  options: StreamListenersOptions,
  handshakeTimeout: number,
  webSockets: WebSocketServer[],
): Server {
  const needTls = () => {
    if (!spec.tls) throw new Error(`listener ${spec.name}: a ${spec.kind} listener needs TLS options`);
    return spec.tls;
  };
  const needWebSocket = () => {
    if (!spec.webSocket)
      throw new Error(`listener ${spec.name}: a ${spec.kind} listener needs a WebSocket spec`);
    return spec.webSocket;
  };
  switch (spec.kind) {
    case 'tcp': {
      const server = createTcpServer({ noDelay: true });
      server.on('connection', (socket) => {
        if (!socket.destroyed) options.onStream(socket, infoOf(socket, spec));
      });
      return server;
    }
    case 'tls': {
      const server = createTlsServer({ ...needTls(), noDelay: true, handshakeTimeout }, (socket) =>
        options.onStream(socket, infoOf(socket, spec)),
      );
      // a failed handshake (or a socket the gate closed) is the client's problem, not a listener error
      server.on('tlsClientError', (err) =>
        options.logger.debug({ err: err.message, listener: spec.name }, 'TLS handshake failed'),
      );
      return server;
    }
    case 'ws':
    case 'wss': {
      const ws = needWebSocket();
      const upgradeRequired = (_request: IncomingMessage, response: ServerResponse): void => {
        response.writeHead(426, { 'content-type': 'application/json', upgrade: 'websocket' });
        response.end(ws.upgradeRequiredMessage);
      };
      const server =
        spec.kind === 'ws'
          ? createHttpServer({ noDelay: true }, upgradeRequired)
          : createHttpsServer({ ...needTls(), noDelay: true, handshakeTimeout }, upgradeRequired);
      if (spec.kind === 'wss') {
        server.on('tlsClientError', (err: Error) =>
          options.logger.debug({ err: err.message, listener: spec.name }, 'TLS handshake failed'),
        );
      }
      // a socket that neither upgrades nor asks anything is closed like an idle admin HTTP socket
      server.headersTimeout = 10_000;
      server.requestTimeout = 10_000;
      webSockets.push(attachWebSocket(server, ws, spec, options));
      return server;
    }
  }
}

function attachWebSocket(
  server: HttpServer,
  ws: WebSocketSpec,
  spec: ListenerSpec,
  options: StreamListenersOptions,
): WebSocketServer {
  const wss = new WebSocketServer({
    server,
    path: ws.path,
    maxPayload: ws.maxPayload,
    perMessageDeflate: false,
    handleProtocols: (offered) => {
      // the client's order of preference
      for (const protocol of offered) if (ws.subprotocols.includes(protocol)) return protocol;
      return false;
    },
  });
  wss.on('connection', (socket: WebSocket, request: IncomingMessage) => {
    options.onStream(createWebSocketStream(socket), infoOf(request.socket, spec));
  });
  return wss;
}
