// Request metrics for the placement gRPC services (the go-grpc-prometheus names): calls handled by service, method
// and status code, and how long they took. Handlers are wrapped once when a service is added; the label children
// are resolved then (and once per status code), so a call costs a clock read, an increment and an observation.
import * as grpc from '@grpc/grpc-js';
import { Counter, Histogram, type Registry } from '@robustmq/common';

export interface GrpcMetrics {
  /** `handlers` with every method wrapped to record its calls (methods the definition lacks are left alone). */
  instrument<H extends grpc.UntypedServiceImplementation>(definition: grpc.ServiceDefinition, handlers: H): H;
}

/** A message of a request/reply stream: replies repeat their request's id (and carry a status code). */
interface IdMessage {
  id: number;
  code?: number;
}

/** grpc.status code → its name, for the label. */
const CODE_NAMES: string[] = [];
for (const [name, code] of Object.entries(grpc.status)) if (typeof code === 'number') CODE_NAMES[code] = name;

export function grpcMetrics(registry: Registry): GrpcMetrics {
  const handled = new Counter({
    name: 'placement_grpc_server_handled_total',
    help: 'gRPC calls completed by the placement center, by service, method and status code (each request of a BatchStream counts as a call)',
    labelNames: ['grpc_service', 'grpc_method', 'grpc_type', 'grpc_code'],
    registers: [registry],
  });
  const seconds = new Histogram({
    name: 'placement_grpc_server_handling_seconds',
    help: 'Time from receiving a gRPC call to sending its status (unary) or ending the stream; on a request/reply stream (BatchStream), from each request to its reply',
    labelNames: ['grpc_service', 'grpc_method', 'grpc_type'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });

  function recorder(path: string, type: string): (startedMs: number, code: number) => void {
    // "/robustmq.placement.KvService/Set" → service "robustmq.placement.KvService", method "Set"
    const slash = path.lastIndexOf('/');
    const service = path.slice(1, slash);
    const method = path.slice(slash + 1);
    const histogram = seconds.labels(service, method, type);
    const counters: ReturnType<typeof handled.labels>[] = [];
    return (startedMs, code) => {
      histogram.observe((performance.now() - startedMs) / 1000);
      (counters[code] ??= handled.labels(service, method, type, CODE_NAMES[code] ?? String(code))).inc();
    };
  }

  return {
    instrument<H extends grpc.UntypedServiceImplementation>(
      definition: grpc.ServiceDefinition,
      handlers: H,
    ): H {
      const wrapped: grpc.UntypedServiceImplementation = { ...handlers };
      for (const [name, method] of Object.entries(definition)) {
        const handler = handlers[name];
        if (!handler) continue;
        if (!method.requestStream && !method.responseStream) {
          const record = recorder(method.path, 'unary');
          const unary = handler as grpc.handleUnaryCall<unknown, unknown>;
          wrapped[name] = ((call, callback) => {
            const started = performance.now();
            unary(call, (err, value, trailer, flags) => {
              record(started, err ? (err.code ?? grpc.status.UNKNOWN) : grpc.status.OK);
              callback(err, value, trailer, flags);
            });
          }) satisfies grpc.handleUnaryCall<unknown, unknown>;
        } else if (!method.requestStream) {
          // server streaming (Watch): recorded when the stream ends — by the server, by an error or by the client
          const record = recorder(method.path, 'server_stream');
          const stream = handler as grpc.handleServerStreamingCall<unknown, unknown>;
          wrapped[name] = ((call) => {
            const started = performance.now();
            let done = false;
            const end = (code: number) => {
              if (done) return;
              done = true;
              record(started, code);
            };
            call.once('finish', () => end(grpc.status.OK));
            call.once('cancelled', () => end(grpc.status.CANCELLED));
            call.once('error', (err: Partial<grpc.ServiceError>) => end(err.code ?? grpc.status.UNKNOWN));
            stream(call);
          }) satisfies grpc.handleServerStreamingCall<unknown, unknown>;
        } else if (method.responseStream) {
          // request/reply streams whose messages carry an `id` (KvService.BatchStream): every reply counts as one call
          // of the method with the reply's `code`, timed from its request's arrival
          const record = recorder(method.path, 'bidi_stream');
          const bidi = handler as grpc.handleBidiStreamingCall<IdMessage, IdMessage>;
          wrapped[name] = ((call) => {
            const arrived = new Map<number, number>();
            call.on('data', (request: IdMessage) => arrived.set(request.id, performance.now()));
            const write = call.write.bind(call) as (reply: IdMessage) => boolean;
            call.write = ((reply: IdMessage) => {
              const started = arrived.get(reply.id);
              if (started !== undefined) {
                arrived.delete(reply.id);
                record(started, reply.code ?? grpc.status.OK);
              }
              return write(reply);
            }) as typeof call.write;
            bidi(call);
          }) satisfies grpc.handleBidiStreamingCall<IdMessage, IdMessage>;
        }
      }
      return wrapped as H;
    },
  };
}

/** Counts calls the cluster auth check turned away (before any handler, so `instrument` never sees them). */
export function grpcAuthRejections(registry: Registry): (reason: 'missing' | 'wrong') => void {
  const rejected = new Counter({
    name: 'placement_grpc_auth_rejected_total',
    help: 'gRPC calls rejected with UNAUTHENTICATED because they carried no cluster auth token or a wrong one',
    labelNames: ['reason'],
    registers: [registry],
  });
  const missing = rejected.labels('missing');
  const wrong = rejected.labels('wrong');
  return (reason) => (reason === 'missing' ? missing : wrong).inc();
}
