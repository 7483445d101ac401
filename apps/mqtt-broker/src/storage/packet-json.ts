// JSON for session-state values (packets, subscriptions, session records) that may hold Buffers: a Buffer is
// written as {"$b": base64} and read back as a Buffer. Used only off the message hot path — retained messages,
// wills, subscriptions — where a value is written once per change, not once per message.

export function toJson(value: unknown): Buffer {
  return Buffer.from(
    JSON.stringify(value, function (this: Record<string, unknown>, key: string, v: unknown) {
      // `this[key]` is the value before Buffer.toJSON turned it into { type, data }
      const original = key === '' ? v : this[key];
      return Buffer.isBuffer(original) || original instanceof Uint8Array
        ? { $b: Buffer.from(original).toString('base64') }
        : v;
    }),
  );
}

export function fromJson<T>(bytes: Buffer): T {
  return JSON.parse(bytes.toString('utf8'), (_key, v: unknown) => {
    if (
      v !== null &&
      typeof v === 'object' &&
      typeof (v as { $b?: unknown }).$b === 'string' &&
      Object.keys(v).length === 1
    ) {
      return Buffer.from((v as { $b: string }).$b, 'base64');
    }
    return v;
  }) as T;
}
