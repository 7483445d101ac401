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
// The scan is bounded by log position, not by time: it reads from the oldest marker's `from` to the log's end as
// storage has it when the scan starts, and stops early once every marker is found. Record timestamps could not bound
// it: each is the publishing broker's clock, so one broker whose clock runs ahead (or a slow one) would end a scan
// before the record it looks for. A record of a dead broker's append lands before anyone resumes its sessions (the
// journal completes or fails a request it has read within its own timeouts; placement expires a broker seconds after
// its last heartbeat), and a live broker's failed append completed before the client was told. The cost is the log
// written since the marker, once per marker: a marker found is kept as a plain packet id, one not found is deleted,
// and the session resuming reads that same stretch of the log anyway (its queued messages). What remains open: an
// append the journal completes only after the scan (a journal stalled for longer than the broker's expiry).
import { randomBytes } from 'node:crypto';
import type { OutgoingPublish } from '../packets/outgoing-publish.js';
import type { BrokerLog } from '../storage/broker-log.js';
import { INCOMING_TAG_BYTES, recordIncomingTag } from '../storage/message-record.js';
import type { IncomingMarker } from '../storage/session-persistence.js';

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
    // not read any more (the scan is bounded by offsets); kept because brokers of the previous release treat a
    // marker without it as a plain packet id (confirmed without a scan)
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
  for (const marker of markers) {
    if (marker.tag === undefined) {
      confirmed.push(marker.id);
      continue;
    }
    wanted.set(marker.tag, marker.id);
    from = Math.min(from, marker.from!);
  }
  if (wanted.size === 0) return { confirmed, absent: [] };
  const ends = await log.ends();
  let offset = Math.max(from, ends.startOffset);
  while (wanted.size > 0 && offset < ends.nextOffset) {
    const records = await log.read(offset, Math.min(READ_BATCH, ends.nextOffset - offset));
    if (records.length === 0) break;
    for (const record of records) {
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
