// The record framing of the project's append-only log files — placement's Raft log (libs/raft SegmentLogStore) and
// the rocksdb storage adapter's write-ahead log (libs/storage-adapter rocksdb-wal.ts): [u32 LE body length]
// [u32 LE CRC-32 of the body][body]. Both preallocate their files with zeros, so a zero length is where the records
// end; a frame that is incomplete or fails its CRC is a torn write (or damage) that each log judges by where it is.
import { closeSync, fsyncSync, openSync } from 'node:fs';
import { crc32 } from 'node:zlib';

/** bytes before a frame's body. */
export const FRAME_HEADER = 8;

/** Fills in the header of `frame`, whose body starts at byte FRAME_HEADER and runs to its end; returns it. */
export function sealFrame(frame: Buffer): Buffer {
  frame.writeUInt32LE(frame.length - FRAME_HEADER, 0);
  frame.writeUInt32LE(crc32(frame.subarray(FRAME_HEADER)), 4);
  return frame;
}

/**
 * The frame at `off` of `buf`: its body and where the next one starts; undefined when there is none — a zero length
 * (preallocated zeros), fewer bytes than it announces, or a body that fails its CRC.
 */
export function readFrame(buf: Buffer, off: number): { body: Buffer; next: number } | undefined {
  if (off + FRAME_HEADER > buf.length) return undefined;
  const length = buf.readUInt32LE(off);
  if (length === 0 || off + FRAME_HEADER + length > buf.length) return undefined;
  const body = buf.subarray(off + FRAME_HEADER, off + FRAME_HEADER + length);
  if (crc32(body) !== buf.readUInt32LE(off + 4)) return undefined;
  return { body, next: off + FRAME_HEADER + length };
}

/** Makes a directory's entries (files created, renamed or deleted in it) durable. */
export function fsyncDirSync(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
