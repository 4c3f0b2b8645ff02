/** node:dns adapter of the DnsLookup port (what the world's resolvers answer; no AWS client). */
import { resolveTxt } from 'node:dns/promises';
import type { DnsLookup } from '../core/ports.js';

/** node:dns: ENOTFOUND / ENODATA mean "no record". */
export class NodeDnsLookup implements DnsLookup {
  async resolveTxt(name: string) {
    try {
      return await resolveTxt(name);
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'ENOTFOUND' || code === 'ENODATA') return [];
      throw err;
    }
  }
}
