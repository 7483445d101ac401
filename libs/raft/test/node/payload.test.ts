// The snapshot payload a RaftNode builds beside its loop: the address book and the application's image (tens of
// megabytes for a large state) in one buffer, copied in steps so the thread keeps answering the group meanwhile.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeSnapshotPayload, encodeSnapshotPayload } from '../../src/node/payload.js';

describe('snapshot payload', () => {
  it('copies a large image in parts with the event loop turning between steps, and decodes back to it', async () => {
    const parts = [randomBytes(3 * 1024 * 1024 + 17), randomBytes(5), randomBytes(2 * 1024 * 1024)];
    const book = new Map([
      [1, '127.0.0.1:1'],
      [2, '127.0.0.1:2'],
    ]);
    let turns = 0;
    let copying = true;
    const turn = (): void => {
      turns++;
      if (copying) setImmediate(turn);
    };
    setImmediate(turn);
    const payload = await encodeSnapshotPayload(book, parts, 1024 * 1024).finally(() => (copying = false));
    // five 1 MiB steps: before, the whole image was copied in one go, nothing else running meanwhile
    expect(turns).toBeGreaterThanOrEqual(5);
    const { members, appData } = decodeSnapshotPayload(payload);
    expect(members).toEqual(book);
    expect(Buffer.from(appData).equals(Buffer.concat(parts))).toBe(true);
    // a small image in one piece: one step
    const small = await encodeSnapshotPayload(book, new Uint8Array([1, 2, 3]));
    expect([...decodeSnapshotPayload(small).appData]).toEqual([1, 2, 3]);
  });
});
