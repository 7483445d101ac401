// gRPC request metrics on /metrics: real calls through PlacementClient (unary with batching off; requests on its
// BatchStream with batching on) and a raw Watch stream, then a scrape.
import { describe, expect, it } from 'vitest';
import { PlacementError } from '@robustmq/placement-client';
import { usePlacement } from '@robustmq/testing/placement';

/** The value of the first sample whose name and labels contain every `parts` substring (0 when absent). */
function sample(text: string, name: string, parts: string[]): number {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name + '{')) continue;
    if (parts.every((p) => line.includes(p))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return 0;
}

describe('placement gRPC request metrics', () => {
  // one RPC per call
  const pc = usePlacement({}, { callTimeoutMs: 2_000, batching: false });

  it('counts calls by service, method and status code and times them', async () => {
    for (let i = 0; i < 5; i++) await pc.client.kv.set(`m/${i}`, 'v');
    expect(await pc.client.kv.get('m/missing')).toBeUndefined(); // NOT_FOUND
    await expect(pc.client.kv.set('', 'v')).rejects.toBeInstanceOf(PlacementError); // INVALID_ARGUMENT
    // requests on a BatchStream count one by one, with the code of the request (an operation's own failure is its
    // result: the request is OK)
    const batching = pc.placement.client({ callTimeoutMs: 2_000 });
    for (let i = 0; i < 3; i++) await batching.kv.set(`s/${i}`, 'v');
    expect(await batching.kv.get('s/missing')).toBeUndefined();
    batching.close();
    // a watch the client cancels is counted when it ends
    const watch = pc.client.kv.watch('m/', { onEvent: () => undefined });
    await new Promise((r) => setTimeout(r, 200));
    watch.cancel();
    await new Promise((r) => setTimeout(r, 200));

    const text = await (await fetch(`${pc.placement.http}/metrics`)).text();
    const kv = 'grpc_service="robustmq.placement.KvService"';
    const handled = 'placement_grpc_server_handled_total';
    expect(sample(text, handled, [kv, 'grpc_method="Set"', 'grpc_code="OK"'])).toBeGreaterThanOrEqual(5);
    expect(sample(text, handled, [kv, 'grpc_method="Set"', 'grpc_code="INVALID_ARGUMENT"'])).toBe(1);
    expect(sample(text, handled, [kv, 'grpc_method="Get"', 'grpc_code="NOT_FOUND"'])).toBe(1);
    expect(
      sample(text, handled, [
        kv,
        'grpc_method="Watch"',
        'grpc_type="server_stream"',
        'grpc_code="CANCELLED"',
      ]),
    ).toBe(1);
    const stream = [kv, 'grpc_method="BatchStream"', 'grpc_type="bidi_stream"'];
    expect(sample(text, handled, [...stream, 'grpc_code="OK"'])).toBe(4);
    expect(sample(text, 'placement_grpc_server_handling_seconds_count', stream)).toBe(4);
    expect(sample(text, 'placement_grpc_server_handling_seconds_sum', stream)).toBeGreaterThan(0);
    const count = sample(text, 'placement_grpc_server_handling_seconds_count', [kv, 'grpc_method="Set"']);
    expect(count).toBeGreaterThanOrEqual(6);
    // every call took some time, and all of them well under the top bucket
    expect(
      sample(text, 'placement_grpc_server_handling_seconds_sum', [kv, 'grpc_method="Set"']),
    ).toBeGreaterThan(0);
    expect(
      sample(text, 'placement_grpc_server_handling_seconds_bucket', [kv, 'grpc_method="Set"', 'le="10"']),
    ).toBe(count);
  });
});
