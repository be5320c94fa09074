/** Addresses that only this machine can reach: a server bound to one needs no token. */
const LOOPBACK_ADDRESSES = new Set(['127.0.0.1', '::1', 'localhost']);

export function isLoopbackAddress(host: string): boolean {
  return LOOPBACK_ADDRESSES.has(host.toLowerCase()) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
