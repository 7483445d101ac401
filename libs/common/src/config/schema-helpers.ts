// Building blocks for service config schemas, so every service spells ports, log levels and addresses the same way.
import { z } from 'zod';

export const port = () =>
  z.number().int().min(0, 'must be a port number 0-65535').max(65535, 'must be a port number 0-65535');

export const logLevel = () => z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

/** host:port */
export const address = () => z.string().regex(/^[^\s:]+:\d{1,5}$/, 'must be host:port, e.g. 127.0.0.1:1228');

export const positiveMs = () => z.number().int().positive('must be a positive number of milliseconds');

/** A section whose keys all have defaults, so an absent [section] means "all defaults". */
export function section<T extends z.ZodRawShape>(shape: T) {
  // prefault (not default) so the inner keys' defaults apply to an absent section
  return z.strictObject(shape).prefault({} as never);
}

/** The [log] section every service has. */
export const logSection = () => section({ level: logLevel().default('info') });
