// Binding and stopping a @grpc/grpc-js server the same way in every service: bind errors name the port, and a stop
// lets in-flight calls finish for a grace period before cutting them (watch streams and long activations never end
// on their own).
import * as grpc from '@grpc/grpc-js';

/** binds a listener (plaintext unless credentials are given, see clusterServerCredentials) and resolves with the
 * port actually bound (useful when `port` is 0). */
export function bindGrpcServer(
  server: grpc.Server,
  host: string,
  port: number,
  what = 'gRPC port',
  credentials: grpc.ServerCredentials = grpc.ServerCredentials.createInsecure(),
): Promise<number> {
  return new Promise<number>((resolve, reject) =>
    server.bindAsync(`${host}:${port}`, credentials, (err, bound) =>
      err ? reject(new Error(`cannot bind ${what} ${port}: ${err.message}`)) : resolve(bound),
    ),
  );
}

/** stops accepting calls, waits up to `graceMs` for running ones, then cuts whatever is left. */
export function shutdownGrpcServer(server: grpc.Server, graceMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const force = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, graceMs);
    server.tryShutdown(() => {
      clearTimeout(force);
      resolve();
    });
  });
}
