// IP address and CIDR block checks for ACL subjects and blacklist entries (IPv4 and IPv6): what placement accepts
// here a broker must be able to load into a net.BlockList.
import { BlockList, isIP } from 'node:net';
import { invalid } from '../metadata/metadata-error.js';

export function checkIp(field: string, value: string): string {
  if (!value || isIP(value) === 0) throw invalid(`${field} must be an IPv4 or IPv6 address, got "${value}"`);
  return value;
}

export function checkCidr(field: string, value: string): string {
  const match = /^([^/]+)\/(\d{1,3})$/.exec(value ?? '');
  const version = match ? isIP(match[1]!) : 0;
  const bits = match ? Number(match[2]) : -1;
  if (!match || version === 0 || bits > (version === 4 ? 32 : 128)) {
    throw invalid(`${field} must be a CIDR block such as 10.0.0.0/8 or fd00::/8, got "${value}"`);
  }
  // BlockList accepts it, so a broker can load the same string into one
  new BlockList().addSubnet(match[1]!, bits, version === 4 ? 'ipv4' : 'ipv6');
  return `${match[1]}/${bits}`;
}

/** An address or a CIDR block. */
export function checkIpOrCidr(field: string, value: string): string {
  return value?.includes('/') ? checkCidr(field, value) : checkIp(field, value);
}
