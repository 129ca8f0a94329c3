/**
 * Name resolution for validation: the system resolver, or a configured DNS server (address:port)
 * such as a test responder (pebble-challtestsrv) or an internal resolver.
 */
import { lookup } from 'node:dns/promises';
import { Resolver } from 'node:dns/promises';
import { isIP } from 'node:net';
import { problem } from '../problems.js';

export interface DnsResolver {
  /** Addresses of a host name, IPv4 first. */
  addresses(name: string): Promise<string[]>;
  txt(name: string): Promise<string[][]>;
  caa(name: string): Promise<{ critical: number; tag: string; value: string }[]>;
}

function parseServer(server: string): string {
  // node:dns takes "1.2.3.4:53" and "[::1]:53" as they are.
  return server;
}

export function createResolver(server: string | null, timeoutMs = 5000): DnsResolver {
  const resolver = new Resolver({ timeout: timeoutMs, tries: 2 });
  if (server) resolver.setServers([parseServer(server)]);
  const notFound = (err: unknown) => ['ENOTFOUND', 'ENODATA'].includes((err as { code?: string }).code ?? '');
  return {
    async addresses(name) {
      if (isIP(name)) return [name];
      if (!server) {
        try {
          const all = await lookup(name, { all: true });
          return all.sort((a, b) => a.family - b.family).map((a) => a.address);
        } catch (cause) {
          throw problem.dns(`No address found for ${name}`, { cause });
        }
      }
      const v4 = await resolver.resolve4(name).catch((err: unknown) => {
        if (notFound(err)) return [] as string[];
        throw problem.dns(`The A lookup of ${name} failed (${(err as { code?: string }).code ?? 'error'})`, {
          cause: err,
        });
      });
      const v6 = v4.length ? [] : await resolver.resolve6(name).catch(() => [] as string[]);
      if (v4.length + v6.length === 0) throw problem.dns(`No A or AAAA record for ${name}`);
      return [...v4, ...v6];
    },
    async txt(name) {
      try {
        return await resolver.resolveTxt(name);
      } catch (err) {
        if (notFound(err)) return [];
        throw problem.dns(`The TXT lookup of ${name} failed`, { cause: err });
      }
    },
    async caa(name) {
      try {
        const records = await resolver.resolveCaa(name);
        return records.map((r) => {
          const { critical, ...rest } = r as unknown as Record<string, unknown> & { critical: number };
          const [tag, value] = Object.entries(rest)[0] ?? ['', ''];
          return { critical, tag, value: String(value) };
        });
      } catch (err) {
        if (notFound(err)) return [];
        throw problem.dns(`The CAA lookup of ${name} failed`, { cause: err });
      }
    },
  };
}
