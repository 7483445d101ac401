// The record framing of the project's append-only log files — placement's Raft log (libs/raft SegmentLogStore) and
// the rocksdb storage adapter's write-ahead log (libs/storage-adapter rocksdb-wal.ts): [u32 LE body length]
// [u32 LE CRC-32 of the body][body]. Both preallocate their files with zeros, so a zero length is where the records
// end; a frame that is incomplete or fails its CRC is a torn write (or damage) that each log judges by where it is.
import { closeSync, fsyncSync, openSync, readSync } from 'node:fs';
import { open as openFile } from 'node:fs/promises';
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

/** Makes a directory's entries durable, like fsyncDirSync, waiting on the thread pool. */
export async function fsyncDirAsync(dir: string): Promise<void> {
  const handle = await openFile(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** The file of segment `seq` of either log: 16 hex digits and `.wal`, so names sort as sequence numbers do. */
export function segmentFileName(seq: number): string {
  return `${seq.toString(16).padStart(16, '0')}.wal`;
}

/** Zeros that segment files are preallocated with, written (and fdatasynced) this much at a time. */
export const SEGMENT_ZEROS = Buffer.alloc(1024 * 1024);

/** Whether a segment file starts with a frame (a preallocated one that took no record yet starts with zeros). */
export function holdsFrames(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(4);
    return readSync(fd, head, 0, 4, 0) === 4 && head.readUInt32LE(0) !== 0;
  } finally {
    closeSync(fd);
  }
}
