// The one failure the bench reports as a result rather than an error: the broker does not support what a scenario
// needs (e.g. it grants QoS 0 to a QoS 1 subscription, or never answers PUBACK), so its cell reads "not supported".
export class UnsupportedError extends Error {
  readonly code = 'BENCH_UNSUPPORTED';
}
