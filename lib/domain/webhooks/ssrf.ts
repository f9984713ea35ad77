// Where a webhook may point (README "Webhooks"): never at the server's own network — loopback,
// private, link-local (the cloud metadata address 169.254.169.254 among them), unique-local,
// carrier-grade NAT, multicast, unspecified or reserved addresses — unless the host is listed in
// WEBHOOK_ALLOW_HOSTS. Checked when a webhook is saved (every address the name resolves to) and
// again for the address each request actually connects to (guardedLookup), so a name that
// resolves elsewhere later cannot get past it.
import dns from "node:dns";
import type { LookupFunction } from "node:net";
import ipaddr from "ipaddr.js";

/** The ranges a webhook never reaches, as ipaddr.js names them. */
const BLOCKED = new Set([
  "unspecified",
  "broadcast",
  "multicast",
  "linkLocal",
  "loopback",
  "carrierGradeNat",
  "private",
  "reserved",
  "uniqueLocal",
  "ipv4Mapped",
  "rfc6145",
  "rfc6052",
  "6to4",
  "teredo",
  "benchmarking",
  "amt",
  "as112",
  "as112v6",
  "deprecated",
  "orchid2",
  "droneRemoteIdProtocolEntityTags",
]);

/** Why `address` is refused (its range), or null when a webhook may connect to it. */
export function blockedRange(address: string): string | null {
  if (!ipaddr.isValid(address)) return "not an IP address";
  let ip = ipaddr.parse(address);
  if (ip.kind() === "ipv6" && (ip as ipaddr.IPv6).isIPv4MappedAddress()) ip = (ip as ipaddr.IPv6).toIPv4Address();
  const range = ip.range();
  return BLOCKED.has(range) ? range : null;
}

export class BlockedTarget extends Error {
  constructor(
    readonly host: string,
    readonly address: string,
    readonly range: string,
  ) {
    super(`${host} resolves to ${address} (${range}): webhooks may not reach internal addresses (WEBHOOK_ALLOW_HOSTS lists exceptions)`);
  }
}

const hostOf = (u: URL) => u.hostname.replace(/^\[|\]$/g, "").toLowerCase();

/** Every address of `url`'s host, checked; throws BlockedTarget (or a lookup error). */
export async function checkTarget(url: URL, allowHosts: ReadonlySet<string>): Promise<void> {
  const host = hostOf(url);
  if (allowHosts.has(host)) return;
  const addresses = ipaddr.isValid(host) ? [host] : (await dns.promises.lookup(host, { all: true, verbatim: true })).map((a) => a.address);
  for (const a of addresses) {
    const range = blockedRange(a);
    if (range) throw new BlockedTarget(host, a, range);
  }
}

/** A `lookup` for http.request that refuses blocked addresses: what the socket connects to is checked. */
export function guardedLookup(host: string, allowHosts: ReadonlySet<string>): LookupFunction {
  const allowed = allowHosts.has(host.toLowerCase());
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true, verbatim: true }, (err, addresses) => {
      if (err) return callback(err, "", 4);
      const list = addresses as dns.LookupAddress[];
      if (!allowed) {
        for (const a of list) {
          const range = blockedRange(a.address);
          if (range) return callback(new BlockedTarget(hostname, a.address, range), "", 4);
        }
      }
      if (options.all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, list);
      const first = list[0];
      if (!first) return callback(new Error(`${hostname}: no address`), "", 4);
      callback(null, first.address, first.family);
    });
  };
}
