// What a domain's apply function may do inside PlacementStateMachine.applyBatch: read through the batch's overlay
// (so a command sees the writes of earlier commands in the same batch) and queue writes into the one atomic batch.
export interface ApplyContext {
  read(key: string): Promise<Buffer | undefined>;
  put(key: string, value: Buffer): void;
  del(key: string): void;
}

export async function readJson<T>(ctx: ApplyContext, key: string): Promise<T | undefined> {
  const data = await ctx.read(key);
  return data ? (JSON.parse(data.toString()) as T) : undefined;
}

export function putJson(ctx: ApplyContext, key: string, value: unknown): void {
  ctx.put(key, Buffer.from(JSON.stringify(value)));
}
