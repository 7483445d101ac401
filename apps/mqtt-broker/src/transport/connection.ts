// One client's connection: feeds the bytes of its transport (TCP, TLS or a WebSocket — any duplex byte stream) to
// its MQTT decoder, hands each packet to the handler of its type, writes packets back in the negotiated protocol
// version, and enforces the connect timeout and keep-alive. Any failure — malformed bytes, a handler that throws, a
// protocol violation — closes this connection only. The will belongs here, not to the session: it is the connection
// whose end publishes it. So do the MQTT 5 limits the client announced in CONNECT and its topic aliases, which are
// per network connection, not per session.
//
// Writes are coalesced per event-loop turn (CoalescingWriter of @robustmq/common): everything written to a connection
// while the current I/O callbacks run (every PUBLISH routed to it, every PUBACK that became ready) goes to the socket
// as one write in the check phase right after, instead of one syscall per packet.
//
// A broker holds tens of thousands of mostly idle connections, so an idle one must cost little (issue 16): no
// closure or Node timer of its own — the socket's listeners are shared functions that find their Connection through
// a symbol on the stream, the decoder calls methods of this class, and the connect timeout and keep-alive are
// entries of the broker's one TimerWheel, linked through the connection's own fields. A Connection is its own write
// coalescer (it extends CoalescingWriter rather than holding one), its times are small integers (ms since the module
// was loaded — a Date.now() in a field is a boxed double of its own), its transport, protocol version and closing
// flag share one small integer, the peer's address is read from the socket when asked (reading it makes Node cache an
// address object on the socket, 88 bytes), and what only some connections need (MQTT 5 limits that differ from the
// defaults, topic aliases, the will, the child logger, the acknowledgement queue, held or throttled packets, a
// credentials deadline, the publish limiter, the socket under a WebSocket) lives in a ConnectionExtras made on first
// use: an idle MQTT 3.1.1 connection is one object of 17 fields besides Node's socket and its session (its decoder is
// borrowed per chunk while it holds nothing between chunks, see decode).
import type { ClientIdentity } from '../auth/access-control.js';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { CoalescingWriter, type Logger } from '@robustmq/common';
import {
  MqttDecoder,
  encodePacket,
  type MqttCodecError,
  type MqttDecoderOptions,
  type MqttVersion,
  type Packet,
} from '@robustmq/protocol';
import { AckQueue } from './ack-queue.js';
import { startReading, stopReading } from './read-gate.js';
import type { BrokerSettings, BrokerStats } from '../core/broker-settings.js';
import { CONNACK_UNACCEPTABLE_PROTOCOL_VERSION } from '../packets/fixed-packets.js';
import { ReasonCode } from '../packets/reason-codes.js';
import type { Session, WillMessage } from '../session/session.js';
import type { OutboundAliases } from './topic-alias.js';
import type { ClientLimits, PublishLimiter } from '../limits/client-limits.js';
import type { TimerWheel, WheelEntry, WheelLink } from './timer-wheel.js';

export type Transport = 'tcp' | 'tls' | 'ws' | 'wss';
/** a Transport's number in Connection.bits (bits 0–1). */
const TRANSPORTS: readonly Transport[] = ['tcp', 'tls', 'ws', 'wss'];
/** Connection.bits: the protocol version in bits 2–4, closing in bit 5, the keep-alive + 1 (0: BEFORE_CONNECT) in
 * bits 6–22 (a keep-alive is at most 65,535 s): one small integer, kept in the object itself. */
const VERSION_SHIFT = 2;
const VERSION_MASK = 7 << VERSION_SHIFT;
const CLOSING = 1 << 5;
const KEEP_ALIVE_SHIFT = 6;
const BELOW_KEEP_ALIVE = (1 << KEEP_ALIVE_SHIFT) - 1;

/** Where the peer's address is read from: the TCP (or TLS) socket itself, or the one under a WebSocket. */
type PeerSocket = Pick<Socket, 'remoteAddress' | 'remotePort'>;

/** What a connection needs of the broker that accepted it. */
export interface ConnectionHost {
  readonly settings: BrokerSettings;
  readonly stats: BrokerStats;
  /** the broker's logger; a connection's child of it is made when first needed. */
  readonly logger: Logger;
  /** Hands a decoded packet to the handler of its type; may throw (the connection is then closed). */
  handlePacket(connection: Connection, packet: Packet): void;
  /** The connection is leaving (closing, or its socket closed): its client's part in the broker ends. Idempotent. */
  detach(connection: Connection): void;
  /** The socket is gone. */
  connectionClosed(connection: Connection): void;
  /** Counts a packet refused for breaking the spec, by kind of rule. */
  countViolation(kind: string): void;
  /** `[limits]` per client; absent = none. */
  readonly clientLimits?: ClientLimits | undefined;
  /** true while accepted messages pile up waiting for storage: publishers' sockets are then not read. */
  publishBacklogged(): boolean;
  /** Calls back once accepted messages no longer pile up. */
  onPublishRelief(callback: () => void): void;
  /** the one timer of every connection's connect timeout and keep-alive. */
  readonly timers: TimerWheel;
}

/** A closing socket that does not finish its FIN exchange in time is destroyed. */
const CLOSE_GRACE_MS = 1_000;

let nextConnectionId = 1;

/** Connection times are int32 counts of CLOCK_MS since EPOCH_MS: V8 keeps an int32 in the object itself, while an
 * epoch time in ms (or any double) in a field is a separately allocated 16-byte number. 2^31 ticks of 64 ms last
 * 4.3 years of uptime. */
const EPOCH_MS = Date.now();
const CLOCK_MS = 64;
/** now, rounded down to a clock tick. */
function ticksFloor(now: number): number {
  return ((now - EPOCH_MS) / CLOCK_MS) | 0;
}
/** now, rounded up to a clock tick: a deadline counted from it is never early. */
function ticksCeil(now: number): number {
  return Math.ceil((now - EPOCH_MS) / CLOCK_MS) | 0;
}

/** keepAliveSeconds before CONNECT was accepted: the connect timeout runs instead. */
const BEFORE_CONNECT = -1;

/** The Connection of a stream, for the stream's listeners (shared by all connections, so none holds a closure). */
const CONNECTION = Symbol('mqtt.connection');
type ConnectedStream = Duplex & { [CONNECTION]: Connection };

function onStreamData(this: ConnectedStream, chunk: Buffer): void {
  const connection = this[CONNECTION];
  connection.host.stats.bytesReceived += chunk.length;
  connection.decode(chunk);
}

/** A decoder no connection holds (see Connection.decode), bound to this until one takes it. */
const UNBOUND: MqttDecoderOptions = {
  maxPacketSize: 0,
  onPacket() {},
  onError() {},
};
let spareDecoder: MqttDecoder | undefined;

function onStreamError(this: ConnectedStream, err: Error): void {
  this[CONNECTION].debug({ err: err.message }, 'socket error');
}

function onStreamClose(this: ConnectedStream): void {
  this[CONNECTION].socketClosed();
}

/** A stream closed whose Connection was told not to listen for that itself (`closeReported`): the listeners' socket
 * gate calls this for every socket it admitted, so for a plain TCP socket its one 'close' listener serves both. */
export function streamClosed(stream: Duplex): void {
  (stream as Partial<ConnectedStream>)[CONNECTION]?.socketClosed();
}

/** What only some connections need, made on a connection's first need of any of it. The defaults are those of an
 * MQTT 3.1.1 client (and of an MQTT 5 client that announced nothing). */
class ConnectionExtras {
  will: WillMessage | undefined = undefined;
  /** 0 = none announced (0 itself is a protocol error in CONNECT, MQTT-3.1.2-24; Infinity would be a boxed double). */
  clientMaxPacketSize = 0;
  clientReceiveMaximum = 0xffff;
  problemInformation = true;
  inboundAliases: Map<number, string> | undefined = undefined;
  outboundAliases: OutboundAliases | undefined = undefined;
  ackQueue: AckQueue | undefined = undefined;
  logger: Logger | undefined = undefined;
  /** packets read while over the publish limits or while storage is backlogged, handled in order afterwards. */
  throttled: Packet[] | undefined = undefined;
  /** closeAt's timer. */
  deadline: NodeJS.Timeout | undefined = undefined;
  /** `[limits]` publish rate and bandwidth of this connection. */
  publishLimiter: PublishLimiter | undefined = undefined;
  /** the TCP socket under a WebSocket stream (a TCP or TLS stream is its own). */
  peer: PeerSocket | undefined = undefined;
}

export class Connection extends CoalescingWriter implements WheelEntry {
  /** when the socket was accepted, in clock ticks. */
  private readonly acceptedAt: number;
  /** who this client is, for ACL checks; set once CONNECT is accepted */
  identity: ClientIdentity | undefined = undefined;
  /** set by the CONNECT handler once the client is accepted. */
  session: Session | undefined = undefined;
  /** transport, protocol version (that of the CONNECT; packets are encoded with it), closing and keep-alive (see
   * TRANSPORTS). */
  private bits: number;
  /** incoming QoS 1 PUBLISH whose PUBACK has not been sent yet (with the session's QoS 2 ids: Receive Maximum). */
  pendingQos1 = 0;
  /** this connection's place in its TimerWheel slot (connect timeout or keep-alive check). */
  wheelPrev: WheelLink | undefined = undefined;
  wheelNext: WheelLink | undefined = undefined;
  /** this connection's place in the broker's list of open connections (Broker.accept). */
  prevOpen: Connection | undefined = undefined;
  nextOpen: Connection | undefined = undefined;
  /** kept only while it holds something the next chunk needs (a partial packet, the last PUBLISH topic, a failure,
   * a CONNECT's version the connection has not taken yet); otherwise the next chunk borrows a spare: an idle
   * connection holds no decoder (issue 16). */
  private decoder: MqttDecoder | undefined = undefined;
  /** when the last packet arrived, in clock ticks (rounded up). */
  private lastPacketAt: number;
  /** packets that arrived while a handler that must finish first (CONNECT) was waiting for storage. */
  private held: Packet[] | undefined = undefined;
  private extra: ConnectionExtras | undefined = undefined;

  constructor(
    /** the byte stream: a net.Socket, tls.TLSSocket or a WebSocket stream (listeners set TCP_NODELAY). */
    socket: Duplex,
    transport: Transport,
    readonly host: ConnectionHost,
    /** true: the listener calls streamClosed(socket) when it closes, so no 'close' listener of ours is added. */
    closeReported = false,
    /** the TCP socket the peer's address is read from when the stream is not one (WebSocket). */
    peer?: PeerSocket,
  ) {
    super(socket);
    const now = Date.now();
    this.acceptedAt = ticksFloor(now);
    this.bits = TRANSPORTS.indexOf(transport) | (4 << VERSION_SHIFT);
    this.lastPacketAt = ticksCeil(now);
    const limiter = host.clientLimits?.publishLimiter();
    if (limiter) this.extras().publishLimiter = limiter;
    if (peer) this.extras().peer = peer;
    (socket as ConnectedStream)[CONNECTION] = this;
    socket.on('data', onStreamData);
    socket.on('error', onStreamError);
    if (!closeReported) socket.on('close', onStreamClose);
    host.timers.schedule(this, now + host.settings.connectTimeoutMs);
  }

  /** Decodes a received chunk; each packet goes to onPacket (or onError, once). */
  decode(chunk: Buffer): void {
    let decoder = this.decoder;
    if (decoder === undefined) {
      decoder = spareDecoder ?? new MqttDecoder(UNBOUND);
      spareDecoder = undefined;
      decoder.rebind(this, this.protocolVersion);
      // held while it decodes: a handler that (synchronously) decodes more of this connection uses the same one
      this.decoder = decoder;
    }
    decoder.push(chunk);
    if (this.decoder === decoder && decoder.isResting(this.protocolVersion)) {
      this.decoder = undefined;
      decoder.rebind(UNBOUND, 4);
      spareDecoder ??= decoder;
    }
  }

  /** the byte stream (the one CoalescingWriter writes to). */
  get socket(): Duplex {
    return this.stream as Duplex;
  }

  private extras(): ConnectionExtras {
    return (this.extra ??= new ConnectionExtras());
  }

  get transport(): Transport {
    return TRANSPORTS[this.bits & 3]!;
  }

  /** the version of the CONNECT; packets are encoded with it. */
  get protocolVersion(): MqttVersion {
    return ((this.bits & VERSION_MASK) >> VERSION_SHIFT) as MqttVersion;
  }

  set protocolVersion(version: MqttVersion) {
    this.bits = (this.bits & ~VERSION_MASK) | (version << VERSION_SHIFT);
  }

  /** the keep-alive in force, in seconds (0 = none); BEFORE_CONNECT until CONNECT is accepted. */
  private get keepAlive(): number {
    return (this.bits >>> KEEP_ALIVE_SHIFT) - 1;
  }

  private set keepAlive(seconds: number) {
    this.bits = (this.bits & BELOW_KEEP_ALIVE) | ((seconds + 1) << KEEP_ALIVE_SHIFT);
  }

  private get closing(): boolean {
    return (this.bits & CLOSING) !== 0;
  }

  private setClosing(): void {
    this.bits |= CLOSING;
  }

  /** the socket the peer's address is read from. */
  private get peer(): PeerSocket {
    return this.extra?.peer ?? (this.stream as Socket);
  }

  /** the peer's IP address, read from the socket when asked (ACL checks, logs, the admin API); '?' once the socket
   * no longer knows it (closed before anyone asked). */
  get remoteHost(): string {
    return this.peer.remoteAddress ?? '?';
  }

  get remotePort(): number {
    return this.peer.remotePort ?? 0;
  }

  /** "host:port" of the peer (made when asked: logs and the admin API). */
  get remoteAddress(): string {
    return `${this.remoteHost}:${this.peer.remotePort ?? '?'}`;
  }

  /** when the socket was accepted, ms since the Unix epoch. */
  get connectedAt(): number {
    return EPOCH_MS + this.acceptedAt * CLOCK_MS;
  }

  /** the keep-alive in force, in seconds (0 = none, also before CONNECT was accepted). */
  get keepAliveSeconds(): number {
    return this.keepAlive === BEFORE_CONNECT ? 0 : this.keepAlive;
  }

  /** the will of this connection, published when it ends without DISCONNECT (or with MQTT 5 reason 0x04). */
  get will(): WillMessage | undefined {
    return this.extra?.will;
  }

  set will(will: WillMessage | undefined) {
    if (will !== undefined || this.extra !== undefined) this.extras().will = will;
  }

  /** MQTT 5 Maximum Packet Size of the client: nothing larger is sent to it (MQTT-3.1.2-24). */
  get clientMaxPacketSize(): number {
    const size = this.extra === undefined ? 0 : this.extra.clientMaxPacketSize;
    return size === 0 ? Number.POSITIVE_INFINITY : size;
  }

  set clientMaxPacketSize(size: number) {
    const stored = size === Number.POSITIVE_INFINITY ? 0 : size;
    if (stored !== 0 || this.extra !== undefined) this.extras().clientMaxPacketSize = stored;
  }

  /** MQTT 5 Receive Maximum of the client: our QoS 1/2 messages in flight to it at most. */
  get clientReceiveMaximum(): number {
    return this.extra === undefined ? 0xffff : this.extra.clientReceiveMaximum;
  }

  set clientReceiveMaximum(maximum: number) {
    if (maximum !== 0xffff || this.extra !== undefined) this.extras().clientReceiveMaximum = maximum;
  }

  /** MQTT 5 Request Problem Information: false forbids reason strings except on CONNACK/DISCONNECT (MQTT-3.1.2-29). */
  get problemInformation(): boolean {
    return this.extra === undefined || this.extra.problemInformation;
  }

  set problemInformation(allowed: boolean) {
    if (!allowed || this.extra !== undefined) this.extras().problemInformation = allowed;
  }

  /** topic aliases the client set up towards us (alias → topic); MQTT 5 only. */
  get inboundAliases(): Map<number, string> | undefined {
    return this.extra?.inboundAliases;
  }

  set inboundAliases(aliases: Map<number, string> | undefined) {
    if (aliases !== undefined || this.extra !== undefined) this.extras().inboundAliases = aliases;
  }

  /** topic aliases we assign towards the client, when its CONNECT allowed some. */
  get outboundAliases(): OutboundAliases | undefined {
    return this.extra?.outboundAliases;
  }

  set outboundAliases(aliases: OutboundAliases | undefined) {
    if (aliases !== undefined || this.extra !== undefined) this.extras().outboundAliases = aliases;
  }

  /** this connection's logger (its bindings name the connection). */
  get logger(): Logger {
    const extras = this.extras();
    return (extras.logger ??= this.host.logger.child({
      conn: nextConnectionId++, // numbered when first logged: an id per connection would be a field each
      remote: this.remoteAddress,
      transport: this.transport,
    }));
  }

  /** Logs at debug level without creating this connection's logger when debug is off. */
  debug(fields: Record<string, unknown>, message: string): void {
    if (this.host.logger.isLevelEnabled('debug')) this.logger.debug(fields, message);
  }

  /** acknowledgements of PUBLISH, kept in arrival order while each waits for its storage write. */
  get acks(): AckQueue {
    const extras = this.extras();
    return (extras.ackQueue ??= new AckQueue(this));
  }

  /** the decoder's limit: larger packets are refused before they are buffered. */
  get maxPacketSize(): number {
    return this.host.settings.maxPacketSize;
  }

  get isClosing(): boolean {
    return this.closing;
  }

  /** Whether a message may be queued to this client now: open, and not too far behind on writes (a slow
   * subscriber must not make the broker buffer without bound). */
  canAcceptMessage(): boolean {
    if (this.closing) return false;
    if (this.socket.writableLength + this.pendingBytes > this.host.settings.maxWriteBufferBytes) {
      this.host.stats.messagesDropped++;
      return false;
    }
    return true;
  }

  /** Whether the socket is so far behind on writes that nothing more should be queued to it now. */
  get congested(): boolean {
    return this.socket.writableLength + this.pendingBytes > this.host.settings.maxWriteBufferBytes;
  }

  /** Resolves when the socket has flushed its write buffer, or has closed. */
  waitForDrain(): Promise<void> {
    // 'drain' only follows a socket write that filled the buffer: bytes still waiting for this turn's flush go now
    this.flushWrites();
    if (this.closing || !this.congested) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        this.socket.off('drain', done);
        this.socket.off('close', done);
        resolve();
      };
      this.socket.on('drain', done);
      this.socket.on('close', done);
    });
  }

  /** Holds further packets until `resume()`: for a handler that must finish its storage writes first. */
  hold(): void {
    this.held ??= [];
  }

  resume(): void {
    const held = this.held;
    this.held = undefined;
    if (!held) return;
    for (let i = 0; i < held.length; i++) {
      this.onPacket(held[i]!);
      const again = this.held as Packet[] | undefined;
      if (again) {
        // a handler held packets again: keep the rest in order behind it
        again.push(...held.slice(i + 1));
        return;
      }
    }
  }

  /** Queues bytes for the socket; they are written together with everything else written in this turn. */
  override write(bytes: Buffer): void {
    if (this.closing) return;
    this.host.stats.bytesSent += bytes.length;
    super.write(bytes);
  }

  /** Hands the bytes written this turn to the socket, as one write. */
  flushWrites(): void {
    this.flush();
  }

  /** Encodes and writes a packet. For MQTT 5 a packet over the client's Maximum Packet Size first loses its Reason
   * String and User Properties (MQTT-3.1.2-25 allows dropping those), and is not sent at all if still too large. */
  send(packet: Packet): boolean {
    const bytes = this.encode(packet);
    if (!bytes) return false;
    this.write(bytes);
    return true;
  }

  /** A reason string for a negative answer, when the client allows one on this packet type. */
  reason(why: string, alwaysAllowed = false): { reasonString: string } | undefined {
    if (this.protocolVersion !== 5 || (!alwaysAllowed && !this.problemInformation)) return undefined;
    return { reasonString: why.length > 200 ? `${why.slice(0, 197)}...` : why };
  }

  /** The packet encoded for this client, or undefined when even without reason string it is too large. */
  encodeOrUndefined(packet: Packet): Buffer | undefined {
    return this.encode(packet);
  }

  private encode(packet: Packet): Buffer | undefined {
    const bytes = encodePacket(packet, this.protocolVersion);
    if (bytes.length <= this.clientMaxPacketSize) return bytes;
    const properties = (packet as { properties?: Record<string, unknown> }).properties;
    if (properties && (properties.reasonString !== undefined || properties.userProperties !== undefined)) {
      const { reasonString: _r, userProperties: _u, ...rest } = properties;
      const smaller = encodePacket({ ...packet, properties: rest } as Packet, this.protocolVersion);
      if (smaller.length <= this.clientMaxPacketSize) return smaller;
    }
    this.host.stats.packetsTooLarge++;
    return undefined;
  }

  /** Starts keep-alive enforcement: no packet for 1.5 × keep-alive closes the connection (MQTT-3.1.2-24). Ends the
   * connect timeout. */
  startKeepAlive(seconds: number): void {
    this.keepAlive = seconds;
    if (seconds === 0) {
      this.host.timers.cancel(this);
      return;
    }
    this.host.timers.schedule(this, EPOCH_MS + this.lastPacketAt * CLOCK_MS + seconds * 1500);
  }

  /** The wheel's call at this connection's deadline: before CONNECT was accepted, the connect timeout; after, the
   * keep-alive check, which re-arms for the last packet's time + 1.5 × keep-alive while the client is active. */
  onWheelDue(now: number): void {
    if (this.closing) return;
    if (this.keepAlive === BEFORE_CONNECT) {
      this.close(`no CONNECT within ${this.host.settings.connectTimeoutMs} ms`);
      return;
    }
    if (this.keepAlive === 0) return;
    const due = EPOCH_MS + this.lastPacketAt * CLOCK_MS + this.keepAlive * 1500;
    if (now >= due) {
      this.close(`keep-alive timeout (${this.keepAlive} s)`, ReasonCode.KEEP_ALIVE_TIMEOUT);
      return;
    }
    this.host.timers.schedule(this, due);
  }

  /** Closes the connection at `atMs` (ms since the epoch): credentials that expire end the connection with them. */
  closeAt(atMs: number, why: string, v5ReasonCode: number): void {
    const extras = this.extras();
    clearTimeout(extras.deadline);
    const arm = (): void => {
      const left = atMs - Date.now();
      if (left <= 0) return this.close(why, v5ReasonCode);
      // setTimeout holds at most ~24.8 days; longer deadlines are re-armed
      extras.deadline = setTimeout(arm, Math.min(left, 0x7fffffff));
    };
    arm();
  }

  /** Closes the connection, first telling an MQTT 5 client why with DISCONNECT when a reason code is given. */
  close(why: string, v5ReasonCode?: number): void {
    if (this.closing) return;
    this.setClosing();
    if (this.extra !== undefined) clearTimeout(this.extra.deadline);
    this.host.timers.cancel(this);
    this.debug({ clientId: this.session?.clientId, why }, 'closing connection');
    this.flushWrites(); // what was written before the close goes out before DISCONNECT and FIN
    if (v5ReasonCode !== undefined && this.session && this.protocolVersion === 5) {
      const disconnect = this.encode({
        cmd: 'disconnect',
        reasonCode: v5ReasonCode,
        properties: this.reason(why, true),
      });
      if (disconnect) this.socket.write(disconnect);
    }
    // leave the broker now, not at socket close, so no more messages are routed to a closing connection
    this.host.detach(this);
    this.socket.end();
    setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS).unref();
  }

  /** The decoder's call for each packet (it is also how held and throttled packets are replayed). */
  onPacket(packet: Packet): void {
    if (this.closing) return;
    this.lastPacketAt = ticksCeil(Date.now());
    const extras = this.extra;
    if (extras !== undefined && extras.throttled) {
      extras.throttled.push(packet);
      return;
    }
    if (this.held) {
      this.held.push(packet);
      return;
    }
    if (extras !== undefined && packet.cmd === 'publish' && extras.publishLimiter)
      this.throttle(extras, extras.publishLimiter, packet.length ?? packet.payload.length);
    try {
      this.host.handlePacket(this, packet);
    } catch (err) {
      // a bug in one handler must cost one connection, never the process
      this.logger.warn({ err, cmd: packet.cmd, clientId: this.session?.clientId }, 'packet handler failed');
      this.close(`handler for ${packet.cmd} failed`, ReasonCode.IMPLEMENTATION_SPECIFIC_ERROR);
      return;
    }
    if (packet.cmd === 'publish' && !this.extra?.throttled && this.host.publishBacklogged())
      this.holdForBacklog();
  }

  /** Too many accepted messages wait for storage (storage/cluster-log.ts): like a rate-limited client, this one is
   * not read until the backlog has shrunk — the packets already decoded wait in order, TCP slows the client down,
   * and nothing is dropped. QoS 0 publishers need this: nothing else makes them wait. */
  private holdForBacklog(): void {
    this.extras().throttled = [];
    stopReading(this.socket, this.transport === 'tcp');
    this.host.onPublishRelief(() => this.unthrottle());
  }

  /** Over the publish rate or bandwidth: the packet that went over is handled, the socket stops being read and the
   * packets already read behind it wait, until the debt is paid — so the client is slowed down (TCP flow control
   * does the rest) and nothing is dropped. */
  private throttle(extras: ConnectionExtras, limiter: PublishLimiter, size: number): void {
    const waitMs = limiter.take(size, this.session?.clientId);
    if (waitMs <= 0) return;
    extras.throttled = [];
    stopReading(this.socket, this.transport === 'tcp');
    setTimeout(() => this.unthrottle(), waitMs).unref();
  }

  private unthrottle(): void {
    const extras = this.extras();
    const waiting = extras.throttled ?? [];
    extras.throttled = undefined;
    if (this.closing) return;
    startReading(this.socket, this.transport === 'tcp');
    for (let i = 0; i < waiting.length; i++) {
      this.onPacket(waiting[i]!);
      const again = extras.throttled as Packet[] | undefined;
      if (again) {
        // over the limit again: the rest keep their order behind the new pause
        again.push(...waiting.slice(i + 1));
        return;
      }
    }
  }

  /** A packet broke a rule of the spec that needs session state (which ack fits an in-flight message): counted,
   * and the connection closed — MQTT 5 with DISCONNECT and the reason code, 3.1.1 without (MQTT-4.13.1-1). */
  protocolViolation(kind: string, why: string, reasonCode: number = ReasonCode.PROTOCOL_ERROR): void {
    this.host.countViolation(kind);
    this.close(why, reasonCode);
  }

  /** The decoder's call when the input cannot be decoded: nothing more is decoded after it. */
  onError(error: MqttCodecError): void {
    this.debug(
      { err: error.message, kind: error.kind, clientId: this.session?.clientId },
      'undecodable input',
    );
    if (this.closing) return;
    this.host.countViolation(error.kind);
    if (!this.session && error.message === 'Invalid protocol version') {
      // MQTT-3.1.2-2: answer an unsupported protocol level with CONNACK 0x01 before closing
      this.flushWrites();
      this.socket.write(CONNACK_UNACCEPTABLE_PROTOCOL_VERSION);
    } else if (!this.session && error.packetType === 1 && error.connectLevel === 5) {
      // §4.13.1: an error in an MQTT 5 CONNECT may be answered with a CONNACK carrying the reason code
      this.flushWrites();
      this.socket.write(
        encodePacket({ cmd: 'connack', sessionPresent: false, reasonCode: error.reasonCode }, 5),
      );
    }
    this.close(`undecodable input: ${error.message}`, error.reasonCode);
  }

  /** The stream closed (its 'close' event). */
  socketClosed(): void {
    this.setClosing();
    if (this.extra !== undefined) clearTimeout(this.extra.deadline);
    this.discard();
    this.host.timers.cancel(this);
    this.host.detach(this);
    this.host.connectionClosed(this);
  }
}
