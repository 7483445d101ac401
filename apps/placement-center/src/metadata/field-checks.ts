// Input checks shared by the metadata services; each names the offending field so the caller can fix the request.
import { invalid } from './metadata-error.js';

export const DEFAULT_PAGE_LIMIT = 1000;
export const MAX_PAGE_LIMIT = 10_000;
export const MAX_NAME_BYTES = 1024;

export function requireText(
  field: string,
  value: string | undefined | null,
  maxBytes = MAX_NAME_BYTES,
): string {
  if (!value) throw invalid(`${field} must not be empty`);
  if (Buffer.byteLength(value) > maxBytes) throw invalid(`${field} is longer than ${maxBytes} bytes`);
  // control characters would make keys and logs unreadable and are never meaningful in names
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) throw invalid(`${field} must not contain control characters`);
  }
  return value;
}

/** A name that is also a key segment: no '/', so "a/b" prefixes cannot mix two names. */
export function requireSegmentName(field: string, value: string | undefined | null, maxBytes = 256): string {
  requireText(field, value, maxBytes);
  if (/[/\s]/.test(value!)) throw invalid(`${field} must not contain '/' or whitespace, got "${value}"`);
  return value!;
}

export function pageLimit(limit: number | undefined): number {
  if (!limit) return DEFAULT_PAGE_LIMIT;
  if (!Number.isInteger(limit) || limit < 0 || limit > MAX_PAGE_LIMIT)
    throw invalid(`limit must be 0-${MAX_PAGE_LIMIT}, got ${limit}`);
  return limit;
}

export function requireEnum<T extends string>(
  field: string,
  value: string | undefined | null,
  allowed: readonly T[],
): T {
  if (!value || !(allowed as readonly string[]).includes(value)) {
    throw invalid(`${field} must be one of ${allowed.join(', ')}, got ${value ? `"${value}"` : 'nothing'}`);
  }
  return value as T;
}

export function requireUint(
  field: string,
  value: number | undefined | null,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const n = value ?? 0;
  if (!Number.isSafeInteger(n) || n < 0 || n > max)
    throw invalid(`${field} must be an integer 0-${max}, got ${value}`);
  return n;
}
