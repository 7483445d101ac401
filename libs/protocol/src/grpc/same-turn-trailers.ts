// A unary gRPC reply's status (its HTTP/2 trailers) sent in the same event-loop turn as its message, not the next.
//
// Node's HTTP/2 submits a server stream's trailers from a setImmediate of their own (lib/internal/http2/core.js,
// ServerHttp2Stream#sendTrailers: "Send the trailers in setImmediate so we don't do it on nghttp2 stack"). grpc-js
// sends a unary call's status from the 'wantTrailers' event, which nghttp2 raises while it writes the reply's last
// DATA frame: so every reply went out as two socket writes one loop turn apart — the message, then (after that turn's
// poll and whatever it brought in) the 2-byte status — and the caller, whose call completes only on the status, woke
// twice and waited for the turn between (issue #19: one client's write paid it on every call; Go's gRPC and etcd send
// both in one write).
//
// nghttp2 documents submitting trailers from inside the data source read callback as the way to send them
// (nghttp2_submit_trailer: "can be used ... inside nghttp2_data_source_read_callback" when NGHTTP2_DATA_FLAG_NO_END_STREAM
// is set, which is what Node sets before raising 'wantTrailers'), so `installSameTurnTrailers` replaces that one method
// of Node's server stream class with one that submits them at once; everything else (validation of odd headers,
// streams not ready for trailers) goes to Node's own method. It is installed only when Node's method is the one it was
// written against (its source schedules `finishSendTrailers` with setImmediate and the internal fields it uses exist);
// on any other Node it leaves Node alone and says so.
import type { ServerHttp2Stream } from 'node:http2';
import type * as grpc from '@grpc/grpc-js';

/** What became of the replacement: not tried yet, installed, or left out (Node's internals are not the expected ones). */
export type SameTurnTrailersState = 'pending' | 'installed' | 'unsupported';

let state: SameTurnTrailersState = 'pending';

export function sameTurnTrailersState(): SameTurnTrailersState {
  return state;
}

/** lib/internal/http2/core.js STREAM_FLAGS_HAS_TRAILERS */
const STREAM_FLAGS_HAS_TRAILERS = 0x20;
/** lib/internal/http2/util.js kNoHeaderFlags: NGHTTP2_NV_FLAG_NONE as a character */
const NO_HEADER_FLAGS = '\0';

interface StreamState {
  trailersReady: boolean;
  flags: number;
}

interface NativeStream {
  trailers(headers: [string, number]): number;
}

function symbolsByName(o: object, into: Map<string, symbol>): void {
  for (const s of Object.getOwnPropertySymbols(o))
    if (s.description && !into.has(s.description)) into.set(s.description, s);
}

/**
 * Node's header list (util.js mapToHeaders: "name\0value\0flags" per field, and the count) for plain trailers: lower-case
 * names without pseudo-headers, string or number values or arrays of them. Undefined for anything else (left to Node).
 */
function trailerList(headers: Record<string, unknown>): [string, number] | undefined {
  if (Object.getOwnPropertySymbols(headers).length > 0) return undefined;
  let list = '';
  let count = 0;
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (value === undefined) continue;
    if (
      name === '' ||
      name[0] === ':' ||
      name.includes(' ') ||
      name.includes('\0') ||
      name !== name.toLowerCase()
    )
      return undefined;
    for (const v of Array.isArray(value) ? value : [value]) {
      if (typeof v !== 'string' && typeof v !== 'number') return undefined;
      const text = String(v);
      if (text.includes('\0')) return undefined;
      list += `${name}\0${text}\0${NO_HEADER_FLAGS}`;
      count++;
    }
  }
  return [list, count];
}

/** Marks a stream whose trailers this module submitted (Node's own mark is a symbol it does not expose). */
const SENT = Symbol('same-turn trailers sent');

/**
 * Replaces `sendTrailers` for the class of `stream` (Node's ServerHttp2Stream; the method it inherits from Http2Stream
 * stays as it is for client streams); false when Node is not the expected one.
 */
function install(stream: ServerHttp2Stream): boolean {
  const proto = Object.getPrototypeOf(stream) as Record<string | symbol, unknown>;
  const original = proto['sendTrailers'];
  if (typeof original !== 'function') return false;
  const source = Function.prototype.toString.call(original);
  if (
    !source.includes('setImmediate(finishSendTrailers, this, headersList)') ||
    !source.includes('mapToHeaders(headers, assertValidPseudoHeaderTrailer)')
  )
    return false;
  const names = new Map<string, symbol>();
  for (
    let p: object | null = stream;
    p && p !== Object.prototype;
    p = Object.getPrototypeOf(p) as object | null
  )
    symbolsByName(p, names);
  const kHandle = names.get('kHandle');
  const kState = names.get('state');
  const kUpdateTimer = names.get('kUpdateTimer');
  const kMaybeDestroy = names.get('kMaybeDestroy');
  if (!kHandle || !kState || !kUpdateTimer || !kMaybeDestroy) return false;
  const s = stream as unknown as Record<symbol, unknown>;
  const st = s[kState] as Partial<StreamState> | undefined;
  if (
    typeof st?.flags !== 'number' ||
    typeof (s[kHandle] as Partial<NativeStream> | undefined)?.trailers !== 'function' ||
    typeof s[kUpdateTimer] !== 'function' ||
    typeof s[kMaybeDestroy] !== 'function'
  )
    return false;
  const nodeSendTrailers = original as (this: ServerHttp2Stream, headers: Record<string, unknown>) => void;
  proto['sendTrailers'] = function sendTrailers(
    this: ServerHttp2Stream,
    headers: Record<string, unknown>,
  ): void {
    const self = this as unknown as Record<symbol, unknown>;
    if (self[SENT]) throw new Error('HTTP/2 trailers have already been sent');
    const streamState = self[kState] as StreamState;
    const list =
      this.destroyed ||
      this.closed ||
      !streamState.trailersReady ||
      typeof headers !== 'object' ||
      headers === null
        ? undefined
        : trailerList(headers);
    if (list === undefined) {
      nodeSendTrailers.call(this, headers);
      return;
    }
    (self[kUpdateTimer] as () => void).call(this);
    self[SENT] = true;
    // what Node's finishSendTrailers does, without waiting for the next turn
    streamState.flags &= ~STREAM_FLAGS_HAS_TRAILERS;
    const ret = (self[kHandle] as NativeStream).trailers(list);
    if (ret < 0) this.destroy(new Error(`HTTP/2 trailers could not be submitted (nghttp2 error ${ret})`));
    else (self[kMaybeDestroy] as () => void).call(this);
  };
  return true;
}

/**
 * A grpc-js server interceptor that installs the replacement from the first call's HTTP/2 stream (the class is not
 * exported by Node) and otherwise passes every call through untouched. `onUnsupported` hears once when this Node's
 * internals are not the expected ones (replies then keep Node's two turns).
 */
export function sameTurnTrailers(onUnsupported?: (reason: string) => void): grpc.ServerInterceptor {
  return (_method, call) => {
    if (state === 'pending') {
      // grpc-js's first call object in the chain holds the stream (BaseServerInterceptingCall.stream)
      const stream = (call as unknown as { stream?: ServerHttp2Stream }).stream;
      if (stream !== undefined) {
        let ok = false;
        try {
          ok = install(stream);
        } catch {
          ok = false;
        }
        state = ok ? 'installed' : 'unsupported';
        if (!ok)
          onUnsupported?.(
            `Node ${process.versions.node}: its HTTP/2 server stream is not the one same-turn trailers were written for; gRPC statuses go one turn after their replies`,
          );
      }
    }
    return call as grpc.ServerInterceptingCall;
  };
}
