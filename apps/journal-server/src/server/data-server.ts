// The data port (1778): a TCP server speaking the frame protocol of @robustmq/protocol/journal (frames.ts). Requests on a connection
// run concurrently and are answered as they finish (pipelining), except that each connection's requests start in
// arrival order, which keeps one producer's appends in its order. Bad input never reaches a handler unchecked: an
// unreadable length closes the connection after an error answer; anything else gets an error answer and the
// connection stays open. With cluster TLS the port speaks TLS only (mutual when [cluster] tls_require_client_cert),
// and a replaced certificate applies to the next handshake. Without TLS, clients in the same process (the quick
// start's broker) reach it at its advertised address through in-memory streams (local-link.ts in the protocol):
// the same frames, auth and handlers, no loopback socket.
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { closeServer, listen, type LimitReporter, type Logger } from '@robustmq/common';
import { CLUSTER_AUTH_CONFIG_KEY, secretsEqual, type ClusterTls } from '@robustmq/protocol';
import {
  ERROR_TYPE,
  FrameDecoder,
  JOURNAL_MESSAGE,
  JournalError,
  REPLY_FLAG,
  encodeFrame,
  errorFrame,
  messageName,
  parseBody,
  registerLocalDataServer,
  type LocalSocket,
} from '@robustmq/protocol/journal';
import type { JournalNode } from '../replication/journal-node.js';
import type { JournalMetrics } from './journal-metrics.js';
import { HANDLERS } from './request-handlers.js';

export interface DataServer {
  port: number;
  close(): Promise<void>;
}

export async function startDataServer(
  node: JournalNode,
  options: {
    host: string;
    port: number;
    maxFrameBytes: number;
    logger: Logger;
    metrics: JournalMetrics;
    /** [cluster] auth_token: when set, a connection is served only after an Auth frame carrying it. */
    authToken?: string | undefined;
    /** [cluster] tls_*: serve TLS only. */
    tls?: ClusterTls | undefined;
    /** sockets open at once at most (node closes more on accept); 0 = no cap. */
    maxConnections?: number;
    /** counts and logs sockets refused over the cap. */
    reporter?: LimitReporter | undefined;
    /** the address clients dial ("advertise_host:port"): clients in this process get an in-memory link to it
     * (not with TLS). The port is filled in once bound. */
    localHost?: string | undefined;
  },
): Promise<DataServer> {
  const { logger, metrics } = options;
  const sockets = new Set<Socket | LocalSocket>();
  /** handlers running (their answers may find their socket gone): close() waits for them before the store closes. */
  let running = 0;
  const idle: Array<() => void> = [];
  const finished = () => {
    if (--running === 0 && idle.length > 0) for (const resolve of idle.splice(0)) resolve();
  };
  let closed = false;
  const onConnection = (socket: Socket | LocalSocket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', (err) => logger.debug({ err: err.message }, 'data connection error'));
    const send = (parts: Buffer[]) => {
      if (socket.destroyed) return;
      socket.cork();
      for (const p of parts) socket.write(p);
      socket.uncork();
    };
    // frames are taken in arrival order, so a request right behind a good Auth frame is already admitted
    let authenticated = !options.authToken;
    const decoder = new FrameDecoder(
      options.maxFrameBytes,
      (type, id, body) => {
        if (type === JOURNAL_MESSAGE.Auth) {
          let token: unknown;
          try {
            token = parseBody(body).header['token'];
          } catch {
            token = undefined;
          }
          if (!options.authToken || (typeof token === 'string' && secretsEqual(token, options.authToken))) {
            authenticated = true;
            send(encodeFrame(type | REPLY_FLAG, id, {}));
          } else {
            logger.warn({ remote: socket.remoteAddress }, 'data connection sent a wrong cluster auth token');
            send(
              errorFrame(
                id,
                'UNAUTHENTICATED',
                `wrong cluster auth token: set ${CLUSTER_AUTH_CONFIG_KEY} to the same value on every service`,
              ),
            );
          }
          return;
        }
        if (!authenticated) {
          metrics.requestErrors.inc({ code: 'UNAUTHENTICATED' });
          send(
            errorFrame(
              id,
              'UNAUTHENTICATED',
              `this journal server requires the cluster auth token (an Auth frame first on the connection): set ${CLUSTER_AUTH_CONFIG_KEY} on the client`,
            ),
          );
          return;
        }
        const handler = HANDLERS.get(type);
        if (!handler) {
          metrics.badFrames.inc();
          send(
            errorFrame(
              id,
              'UNKNOWN_TYPE',
              `unknown request type ${type}; see the journal protocol (frames.ts) for the valid ones`,
            ),
          );
          return;
        }
        let parsed: ReturnType<typeof parseBody>;
        try {
          parsed = parseBody(body);
        } catch (err) {
          metrics.badFrames.inc();
          send(errorFrame(id, 'BAD_REQUEST', (err as Error).message));
          return;
        }
        if (closed) {
          send(errorFrame(id, 'UNAVAILABLE', 'the journal server is shutting down'));
          return;
        }
        running++;
        handler(node, parsed.header, parsed.data, metrics).then(
          (answer) => {
            finished();
            send(encodeFrame(type | REPLY_FLAG, id, answer.header, answer.data ?? []));
          },
          (err: unknown) => {
            finished();
            if (err instanceof JournalError) {
              metrics.requestErrors.inc({ code: err.code });
              send(errorFrame(id, err.code, err.message, err.details));
            } else {
              metrics.requestErrors.inc({ code: 'INTERNAL' });
              logger.error({ err, request: messageName(type) }, 'data-port request failed');
              send(errorFrame(id, 'INTERNAL', `internal error: ${(err as Error)?.message ?? String(err)}`));
            }
          },
        );
      },
      (code, message) => {
        metrics.badFrames.inc();
        logger.warn(
          { remote: socket.remoteAddress, code, message },
          'closing a data connection after a bad frame',
        );
        send(errorFrame(0, code, `${message}; closing the connection`));
        socket.end();
      },
    );
    socket.on('data', (chunk: Buffer) => decoder.push(chunk));
  };
  const { tls } = options;
  let server: Server;
  let stopReloads: (() => void) | undefined;
  if (tls) {
    const tlsServer = createTlsServer({ ...tls.serverOptions(), noDelay: true }, onConnection);
    // a plaintext client, or one whose certificate the CA did not sign, fails the handshake and is cut here
    tlsServer.on('tlsClientError', (err, socket) =>
      logger.debug(
        { err: err.message, remote: socket.remoteAddress },
        'data connection failed the TLS handshake',
      ),
    );
    stopReloads = tls.onChange(() => tlsServer.setSecureContext(tls.contextOptions()));
    server = tlsServer;
  } else {
    server = createServer({ noDelay: true }, onConnection);
  }
  // a flood of sockets must not take the descriptors the segment files and RocksDB need
  if (options.maxConnections) server.maxConnections = options.maxConnections;
  server.on('drop', (data?: { remoteAddress?: string }) =>
    options.reporter?.hit('connection_cap', 'data', data?.remoteAddress),
  );
  const port = await listen(server, options.port, options.host);
  const unregisterLocal =
    options.localHost !== undefined && !tls
      ? registerLocalDataServer(`${options.localHost}:${port}`, onConnection)
      : undefined;
  void ERROR_TYPE;
  return {
    port,
    /** stops accepting, cuts the connections and waits for the handlers still running (the node's close() makes a
     * waiting long poll return at once). */
    async close() {
      closed = true;
      unregisterLocal?.();
      stopReloads?.();
      const closing = closeServer(server);
      for (const s of sockets) s.destroy();
      await closing;
      while (running > 0) await new Promise<void>((resolve) => idle.push(resolve));
    },
  };
}
