// Running behind a TLS-terminating reverse proxy, and the DNS-rebinding defence: the settings and
// the rule; api/http/host-guard.ts applies them to requests.
//
// Which proxies to believe: X-Forwarded-For and X-Forwarded-Proto are only read from peers the
// operator names (TESSERA_TRUST_PROXY), because any client can send them. Express applies the
// setting to req.ip, req.secure, req.protocol and req.host, which the rest of the API reads.
//
// Which names to answer for: a page on an attacker's domain whose DNS answer is switched to this
// server's address (DNS rebinding) makes the victim's browser send requests here that are
// same-origin to the attacker's page, so it could read the answers. Those requests carry the
// attacker's name in Host, so refusing names this server was not configured for stops them.
// IP literals, `localhost` and `*.localhost` are never refused: a browser reaches those without
// asking DNS, so no page can rebind them, and probes, metrics scrapers and people on the machine
// address instances that way.
import { isIP } from 'node:net';

/** Express "trust proxy": off, a hop count, or the proxies' addresses (IP, CIDR, or a proxy-addr name). */
export type TrustProxy = false | number | readonly string[];

// Named address ranges Express (proxy-addr) understands.
const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);
const MAX_HOPS = 32;

/**
 * Reads TESSERA_TRUST_PROXY. Unset, empty, `false`, `off` or `0`: off. A whole number n: trust the
 * n proxies nearest this server, whatever their address. Otherwise a comma-separated list of the
 * proxies' addresses: IPs, CIDR ranges, or `loopback`, `linklocal`, `uniquelocal`.
 * Throws an Error whose message says what is wrong with the value.
 */
export function parseTrustProxy(text: string | undefined): TrustProxy {
  const value = (text ?? '').trim();
  if (value === '' || /^(?:false|off|0)$/i.test(value)) return false;
  if (/^(?:true|on|yes|all|\*)$/i.test(value)) {
    throw new Error(
      `"${value}" would believe X-Forwarded-For from any client; give the number of proxies in front of Tessera (e.g. 1) or their addresses (e.g. 10.0.0.0/8)`,
    );
  }
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops > MAX_HOPS) throw new Error(`a hop count must be between 1 and ${MAX_HOPS}, got ${value}`);
    return hops;
  }
  const entries = value.split(',').map((entry) => entry.trim());
  for (const entry of entries) {
    const problem = addressProblem(entry);
    if (problem !== null) {
      throw new Error(
        `${problem}; expected a hop count (e.g. 1) or a comma-separated list of IP addresses or CIDR ranges (e.g. 10.0.0.0/8,::1)`,
      );
    }
  }
  return entries.map((entry) => entry.toLowerCase());
}

function addressProblem(entry: string): string | null {
  if (entry === '') return 'an empty entry in the list';
  if (NAMED_RANGES.has(entry.toLowerCase())) return null;
  const slash = entry.indexOf('/');
  const address = slash === -1 ? entry : entry.slice(0, slash);
  const version = isIP(address);
  if (version === 0) return `"${entry}" is not an IP address or CIDR range`;
  if (slash === -1) return null;
  const prefix = entry.slice(slash + 1);
  const bits = version === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > bits) return `"${entry}": the prefix length must be 0–${bits}`;
  if (Number(prefix) === 0) return `"${entry}" would trust every address`;
  return null;
}

/**
 * Reads TESSERA_PUBLIC_URL: the http(s) URL people and tools use to reach this API, as an origin
 * (scheme, host, port). Tessera is served at the root of its origin, so a path is refused.
 */
export function parsePublicUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new Error(`"${text}" is not a URL like https://tessera.example.com`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`"${text}" must start with https:// (or http://)`);
  if (url.username !== '' || url.password !== '') throw new Error(`"${text}" must not contain a user name or password`);
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '') {
    throw new Error(`"${text}" must be an origin with no path, query or fragment (Tessera is served at the root of its host)`);
  }
  return new URL(url.origin);
}

export interface HostPolicy {
  /** TESSERA_PUBLIC_URL: the one name (and port) browsers use. */
  publicUrl?: URL;
  /** Without a public URL, the name the server listens on (HOST) is also accepted. */
  listenHost(): string | undefined;
}

function defaultPort(protocol: string): string {
  return protocol === 'https:' ? '443' : '80';
}

/** Lower-cased host name without brackets or a trailing dot, and the port as written (may be ''). */
function splitHost(host: string): { name: string; port: string } | null {
  const match = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(host.trim());
  if (!match) return null;
  const name = (match[1] as string).replace(/^\[|\]$/g, '').toLowerCase();
  return { name: name.endsWith('.') ? name.slice(0, -1) : name, port: match[2] ?? '' };
}

function isLoopbackName(name: string): boolean {
  return name === 'localhost' || name.endsWith('.localhost');
}

/** True when this server answers requests addressed to `host` (a Host header value). */
export function hostAllowed(host: string, policy: HostPolicy): boolean {
  const parts = splitHost(host);
  if (parts === null) return false;
  if (isIP(parts.name) !== 0 || isLoopbackName(parts.name)) return true;
  const { publicUrl } = policy;
  if (publicUrl !== undefined) {
    const expectedPort = publicUrl.port || defaultPort(publicUrl.protocol);
    return parts.name === publicUrl.hostname && (parts.port || defaultPort(publicUrl.protocol)) === expectedPort;
  }
  const listening = policy.listenHost();
  return listening !== undefined && parts.name === splitHost(listening)?.name;
}
