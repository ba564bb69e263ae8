import type { IncomingMessage } from 'node:http';

/**
 * The client's address: the socket peer, or the last untrusted hop of X-Forwarded-For when
 * the peer is one of the trusted proxies (SPEC §7 `PARTAGE_TRUSTED_PROXIES`).
 */
export function clientAddress(req: IncomingMessage, trustedProxies: readonly string[]): string {
  const peer = normalize(req.socket.remoteAddress ?? 'unknown');
  const forwarded = req.headers['x-forwarded-for'];
  if (!trustedProxies.includes(peer) || typeof forwarded !== 'string') return peer;
  const hops = forwarded.split(',').map((h) => normalize(h.trim())).filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i];
    if (hop !== undefined && !trustedProxies.includes(hop)) return hop;
  }
  return peer;
}

const normalize = (address: string): string => address.replace(/^::ffff:/, '');
