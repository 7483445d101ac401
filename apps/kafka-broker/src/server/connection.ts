// One client connection: splits the byte stream into frames (bounded by `[kafka] max_request_bytes`), decodes each
// request, runs its handler and writes the responses in request order, as the protocol requires. Requests of an
// authenticated connection are worked on concurrently (up to max_inflight_requests, then reading pauses); before
// authentication they run one at a time, so nothing overtakes the SASL exchange.
//
// Bad input never crashes the broker: an API or version it does not offer is answered UNSUPPORTED_VERSION (an
// ApiVersions too new for it in v0, KIP-511), a frame too large or malformed closes this connection only.
import type { Duplex } from 'node:stream';
import {
  ApiKey,
  ErrorCode,
  FrameSplitter,
  KafkaDecodeError,
  apiSpec,
  decodeRequest,
  defaultMessage,
  encodeResponse,
  peekRequestHeader,
  supportsVersion,
  type KafkaValue,
  type RequestHeader,
} from '@robustmq/protocol/kafka';
import type { KafkaListener } from '../cluster/broker-directory.js';
import type { ApiHandler, BrokerContext, ConnectionState } from '../handlers/context.js';
import { saslStep } from '../handlers/sasl.js';

/** APIs a connection may use before SASL authentication. */
const BEFORE_AUTH = new Set<number>([ApiKey.ApiVersions, ApiKey.SaslHandshake, ApiKey.SaslAuthenticate]);

interface Slot {
  done: boolean;
  response: Buffer | undefined;
}

export class KafkaConnection {
  readonly state: ConnectionState;
  private readonly splitter: FrameSplitter;
  private readonly slots: Slot[] = [];
  private inflight = 0;
  private paused = false;
  private closed = false;
  /** the previous request's completion, which an unauthenticated connection's next request waits for. */
  private previous: Promise<void> = Promise.resolve();
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly stream: Duplex,
    remoteAddress: string,
    listener: KafkaListener,
    private readonly ctx: BrokerContext,
    private readonly handlers: ReadonlyMap<number, ApiHandler>,
    private readonly onClose: (conn: KafkaConnection) => void,
  ) {
    this.state = {
      remoteAddress,
      listener,
      clientId: null,
      authenticated: ctx.authenticator === undefined,
      principal: undefined,
      superuser: false,
      saslMechanism: undefined,
      saslExchange: undefined,
      saslRawNext: false,
      closeAfterResponse: false,
      produceTurn: Promise.resolve(),
    };
    this.splitter = new FrameSplitter(ctx.config.kafka.max_request_bytes);
    ctx.stats.connections++;
    ctx.stats.connectionsTotal++;
    stream.on('data', (chunk: Buffer) => this.onData(chunk));
    stream.on('error', (err) =>
      ctx.logger.debug({ err: err.message, client: remoteAddress }, 'kafka connection error'),
    );
    stream.on('close', () => this.teardown());
    this.touch();
  }

  private touch(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      this.ctx.logger.debug({ client: this.state.remoteAddress }, 'closing an idle kafka connection');
      this.close();
    }, this.ctx.config.kafka.idle_timeout_ms).unref();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.stream.destroy();
    this.teardown();
  }

  private teardownDone = false;
  private teardown(): void {
    this.closed = true;
    clearTimeout(this.idleTimer);
    if (this.teardownDone) return;
    this.teardownDone = true;
    this.ctx.stats.connections--;
    this.onClose(this);
  }

  private protocolError(message: string): void {
    this.ctx.stats.protocolErrors++;
    this.ctx.logger.debug(
      { client: this.state.remoteAddress, clientId: this.state.clientId, reason: message },
      'closing a kafka connection',
    );
    this.close();
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    this.touch();
    let frames: Buffer[];
    try {
      frames = this.splitter.push(chunk);
    } catch (err) {
      this.protocolError((err as Error).message);
      return;
    }
    for (const frame of frames) {
      if (this.closed) return;
      if (this.state.saslRawNext) {
        this.state.saslRawNext = false;
        this.enqueue(() => this.rawSaslToken(frame));
      } else {
        this.request(frame);
      }
    }
  }

  /** Queues work whose result is the next response in order; runs it now, or after the previous one while unauthenticated. */
  private enqueue(work: () => Promise<Buffer | undefined>): void {
    const slot: Slot = { done: false, response: undefined };
    this.slots.push(slot);
    this.inflight++;
    if (this.inflight >= this.ctx.config.kafka.max_inflight_requests && !this.paused) {
      this.paused = true;
      this.stream.pause();
    }
    const run = async () => {
      try {
        slot.response = await work();
      } catch (err) {
        this.ctx.logger.warn({ err, client: this.state.remoteAddress }, 'kafka request failed unexpectedly');
        this.ctx.stats.requestErrors++;
        this.close();
      }
      slot.done = true;
      this.inflight--;
      this.flush();
    };
    const ran = this.state.authenticated ? run() : this.previous.then(run);
    this.previous = ran;
  }

  private flush(): void {
    while (this.slots.length > 0 && this.slots[0]!.done) {
      const slot = this.slots.shift()!;
      if (this.closed) continue;
      if (slot.response) {
        this.stream.write(slot.response);
      }
      if (this.state.closeAfterResponse) {
        // let the answer leave before the socket goes
        this.closed = true;
        this.stream.end();
        setTimeout(() => this.stream.destroy(), 1000).unref();
        this.teardown();
        return;
      }
    }
    if (this.paused && this.inflight < this.ctx.config.kafka.max_inflight_requests) {
      this.paused = false;
      this.stream.resume();
    }
  }

  private request(frame: Buffer): void {
    let peek: ReturnType<typeof peekRequestHeader>;
    try {
      peek = peekRequestHeader(frame);
    } catch (err) {
      this.protocolError((err as Error).message);
      return;
    }
    const handler = this.handlers.get(peek.apiKey);
    if (!this.state.authenticated && !BEFORE_AUTH.has(peek.apiKey)) {
      // Kafka closes a connection that skips SASL (an illegal SASL state)
      this.ctx.stats.authFailures++;
      this.protocolError(`API ${peek.apiKey} before SASL authentication`);
      return;
    }
    if (!handler || peek.apiVersion < handler.minVersion || peek.apiVersion > handler.maxVersion) {
      this.enqueue(async () => this.unsupported(peek, handler));
      return;
    }
    let decoded: { header: RequestHeader; body: KafkaValue | undefined };
    try {
      decoded = decodeRequest(frame);
    } catch (err) {
      if (err instanceof KafkaDecodeError) {
        this.protocolError(`malformed request (API ${peek.apiKey} v${peek.apiVersion}): ${err.message}`);
        return;
      }
      throw err;
    }
    const { header, body } = decoded;
    this.state.clientId = header.clientId;
    const api = apiSpec(header.apiKey)!;
    this.ctx.stats.countRequest(api.name);
    this.enqueue(async () => {
      const response = await handler.handle(this.ctx, this.state, body!, header);
      return response === undefined
        ? undefined
        : encodeResponse(header.apiKey, header.apiVersion, header.correlationId, response);
    });
  }

  /** The answer to an API or version this broker does not offer. */
  private unsupported(
    peek: { apiKey: number; apiVersion: number; correlationId: number },
    handler: ApiHandler | undefined,
  ): Buffer {
    this.ctx.stats.requestErrors++;
    this.ctx.stats.countRequest('unsupported');
    if (peek.apiKey === ApiKey.ApiVersions) {
      // KIP-511: a client newer than us gets v0 with the error and our versions, then asks again in one we speak
      return encodeResponse(ApiKey.ApiVersions, 0, peek.correlationId, {
        errorCode: ErrorCode.UNSUPPORTED_VERSION,
        apiKeys: this.ctx.apiVersions(),
      });
    }
    const api = apiSpec(peek.apiKey);
    if (handler && api && supportsVersion(api.response, peek.apiVersion)) {
      // a version the codec can write but this broker does not offer: the response shape, empty, with the error
      const body = defaultMessage(api.response);
      if ('errorCode' in body) body['errorCode'] = ErrorCode.UNSUPPORTED_VERSION;
      return encodeResponse(peek.apiKey, peek.apiVersion, peek.correlationId, body);
    }
    // an API (or version) nobody here can write: response header v0 and the error code
    const out = Buffer.alloc(10);
    out.writeInt32BE(6, 0);
    out.writeInt32BE(peek.correlationId, 4);
    out.writeInt16BE(ErrorCode.UNSUPPORTED_VERSION, 8);
    return out;
  }

  /** A bare SASL token after SaslHandshake v0: an empty frame answers success; failure closes the connection. */
  /** A bare SASL token after a SaslHandshake v0: answered with a bare, size-prefixed token; a failure closes the
   * connection without an answer (there is no error field in this flow). */
  private async rawSaslToken(token: Buffer): Promise<Buffer | undefined> {
    if (!this.ctx.authenticator || !this.state.saslExchange) {
      this.state.closeAfterResponse = true;
      return undefined;
    }
    const step = await saslStep(this.ctx, this.state, token);
    if (step.done && !step.ok) return undefined;
    // the exchange goes on (SCRAM): the next frame is its next bare token
    if (!step.done) this.state.saslRawNext = true;
    const framed = Buffer.alloc(4 + step.response.length);
    framed.writeInt32BE(step.response.length);
    step.response.copy(framed, 4);
    return framed;
  }
}
