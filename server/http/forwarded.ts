import { BlockList, isIP } from 'node:net';

/**
 * Which hops in front of us may be believed about the client's address (`TRUSTED_PROXIES`):
 * none (the socket's peer is the client), a hop count (that many proxies each append one
 * `X-Forwarded-For` entry), or a list of proxy addresses and CIDR ranges.
 */
export type ProxyTrust = { kind: 'none' } | { kind: 'hops'; hops: number } | { kind: 'list'; list: BlockList; text: string };

export const NO_PROXY: ProxyTrust = { kind: 'none' };

/** Parses `TRUSTED_PROXIES`: empty → none; `2` → two hops; `10.0.0.0/8, 127.0.0.1` → those. Throws on anything else. */
export function parseTrustedProxies(value: string | undefined): ProxyTrust {
  const text = (value ?? '').trim();
  if (!text || text === '0') return NO_PROXY;
  if (/^\d+$/.test(text)) return { kind: 'hops', hops: Number(text) };
  const list = new BlockList();
  for (const item of text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [addr, bits] = item.split('/');
    const family = isIP(addr ?? '');
    if (!family) throw new Error(`"${item}" is not an IP address or CIDR range`);
    const type = family === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(addr!, type);
    else {
      const prefix = Number(bits);
      if (!Number.isInteger(prefix) || prefix < 0 || prefix > (family === 6 ? 128 : 32))
        throw new Error(`"${item}" has a bad prefix length`);
      list.addSubnet(addr!, prefix, type);
    }
  }
  return { kind: 'list', list, text };
}

const normalise = (a: string) => a.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');

function trusted(list: BlockList, address: string): boolean {
  const a = normalise(address);
  const family = isIP(a);
  return family !== 0 && list.check(a, family === 6 ? 'ipv6' : 'ipv4');
}

/**
 * The client's address: the socket's peer unless that peer is a trusted proxy, in which case the
 * `X-Forwarded-For` entries are walked from the right (each proxy appends the address it saw),
 * past trusted proxies only. Entries a client wrote itself sit further left and are never reached.
 */
export function clientAddress(
  socketAddress: string | undefined,
  forwardedFor: string | string[] | null | undefined,
  trust: ProxyTrust,
): string {
  const peer = normalise(socketAddress ?? 'unknown');
  if (trust.kind === 'none') return peer;
  const raw = Array.isArray(forwardedFor) ? forwardedFor.join(',') : (forwardedFor ?? '');
  const chain = raw
    .split(',')
    .map((s) => normalise(s.trim()))
    .filter(Boolean);
  if (trust.kind === 'hops') {
    // The peer is the nearest proxy; it and the hops - 1 before it each appended one entry.
    return chain[chain.length - trust.hops] ?? chain[0] ?? peer;
  }
  if (!trusted(trust.list, peer)) return peer;
  for (let i = chain.length - 1; i >= 0; i--) {
    if (!trusted(trust.list, chain[i]!)) return chain[i]!;
  }
  return chain[0] ?? peer;
}

/** Whether the peer may tell us the scheme and host it was asked for (X-Forwarded-Proto/Host). */
export function peerIsTrustedProxy(socketAddress: string | undefined, trust: ProxyTrust): boolean {
  if (trust.kind === 'none') return false;
  if (trust.kind === 'hops') return true;
  return !!socketAddress && trusted(trust.list, socketAddress);
}

/**
 * For a node:http server in front of the app: replaces X-Forwarded-For with the one address
 * `clientAddress` believes, and drops X-Forwarded-Proto/Host from peers that are not trusted
 * proxies, so that every handler behind it (Next or tRPC) reads facts, not client claims.
 */
export function normaliseForwardedHeaders(
  headers: Record<string, string | string[] | undefined>,
  socketAddress: string | undefined,
  trust: ProxyTrust,
) {
  headers['x-forwarded-for'] = clientAddress(socketAddress, headers['x-forwarded-for'], trust);
  if (!peerIsTrustedProxy(socketAddress, trust)) {
    delete headers['x-forwarded-proto'];
    delete headers['x-forwarded-host'];
  }
}
