// Exactly once for a publisher's QoS 2 message across a broker's death or restart. The broker remembers the packet
// id of a QoS 2 PUBLISH it accepted until the client's PUBREL, and answers a resend of it with PUBREC without
// delivering it again (MQTT-4.3.3-10). For a persistent session the id must be durable exactly when the message is:
// stored after the append, a broker dying between the two leaves a message in the log whose id nobody knows, and the
// client's resend (to another broker, or to this one restarted) is delivered twice; stored before, a broker dying
// before the append leaves an id whose message never reached the log, and the resend is acknowledged but never
// delivered.
//
// So the id is stored first, as a *marker*: the log's end at that moment (`from`: the message can only get an offset
// at or after it), the time, and 8 random bytes (the tag) that the message's record carries too
// (storage/message-record.ts); the log appends the message only once the marker is durable
// (OutgoingPublish.appendAfter). Whoever resumes the session from storage — a broker taking it over from a dead one,
// or this broker restarting — confirms each marker by reading the log from `from` for a record of the client with
// that tag: found, the id awaits PUBREL; not found, it is forgotten and a resend is a new message. A packet id reused
// by a later exchange cannot match an older record: the tag is new each time. A broker that hands a session over
// alive (TakeOverSession) first waits for the session's QoS 2 writes in flight, so it hands over exact ids.
//
// The scan stops APPEND_WINDOW_MS of record time after the newest marker: an append waits for its marker and is sent
// at once, so a message that reached the log did so long before that. What remains open: an append a broker had
// sent just before it died that the journal completes only after another broker has scanned the log's end.
import { randomBytes } from 'node:crypto';
import type { OutgoingPublish } from '../packets/outgoing-publish.js';
import type { BrokerLog } from '../storage/broker-log.js';
import { INCOMING_TAG_BYTES, recordIncomingTag } from '../storage/message-record.js';
import type { IncomingMarker } from '../storage/session-persistence.js';

/** how far past the newest marker's time a scan looks for its record. */
const APPEND_WINDOW_MS = 60_000;
const READ_BATCH = 1000;
/** tags are drawn from a pool of random bytes, refilled when used up (one syscall per 512 tags). */
const POOL_TAGS = 512;

let pool = Buffer.alloc(0);
let poolPos = 0;

function newTag(): Buffer {
  if (poolPos >= pool.length) {
    pool = randomBytes(POOL_TAGS * INCOMING_TAG_BYTES);
    poolPos = 0;
  }
  const tag = pool.subarray(poolPos, poolPos + INCOMING_TAG_BYTES);
  poolPos += INCOMING_TAG_BYTES;
  return tag;
}

/** What marking needs of the session store and the session. */
export interface IncomingMarking {
  markIncoming(clientId: string, marker: IncomingMarker): Promise<void>;
}

/** Writes the marker of a QoS 2 exchange before `message` is handed to the log (which then waits for it); resolves
 * once the marker is durable. */
export function markIncoming(
  store: IncomingMarking,
  log: BrokerLog,
  clientId: string,
  packetId: number,
  message: OutgoingPublish,
): Promise<void> {
  const tag = newTag();
  message.incomingTag = tag;
  const written = store.markIncoming(clientId, {
    id: packetId,
    from: log.nextOffset,
    at: Date.now(),
    tag: tag.toString('hex'),
  });
  message.appendAfter = written;
  return written;
}

/** Splits a session's stored QoS 2 exchanges into those whose message is in the log (`confirmed`: they await PUBREL)
 * and those whose message never got there (`absent`: a resend is a new message). */
export async function confirmIncoming(
  log: BrokerLog,
  clientId: string,
  markers: IncomingMarker[],
): Promise<{ confirmed: number[]; absent: number[] }> {
  const confirmed: number[] = [];
  const wanted = new Map<string, number>();
  let from = Number.POSITIVE_INFINITY;
  let until = 0;
  for (const marker of markers) {
    if (marker.tag === undefined) {
      confirmed.push(marker.id);
      continue;
    }
    wanted.set(marker.tag, marker.id);
    from = Math.min(from, marker.from!);
    until = Math.max(until, marker.at! + APPEND_WINDOW_MS);
  }
  if (wanted.size === 0) return { confirmed, absent: [] };
  let offset = Math.max(from, await log.startOffset());
  scan: while (wanted.size > 0) {
    const records = await log.read(offset, READ_BATCH);
    if (records.length === 0) break;
    for (const record of records) {
      if (record.timestamp > until) break scan;
      const tag = recordIncomingTag(record, clientId);
      const id = tag === undefined ? undefined : wanted.get(tag);
      if (id !== undefined) {
        confirmed.push(id);
        wanted.delete(tag!);
      }
    }
    offset = records[records.length - 1]!.offset + 1;
  }
  return { confirmed, absent: [...wanted.values()] };
}
