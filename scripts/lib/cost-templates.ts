/** The templates the cost model reads: an environment as generate renders it, or with N what-if domains. */
import type { EnvConfig } from '../../generators/config/schema.js';
import { generateAll } from '../../generators/generate.js';
import { STACKS } from '../../generators/stacks/index.js';

// biome-ignore lint/suspicious/noExplicitAny: templates are arbitrary JSON
export type Templates = Record<string, any>;

/**
 * Every stack's template for `cfg`; with `domains`, the domain list is replaced by that many synthetic domains
 * (`dNNNN.example.jp`, the first domain's settings) and the report and DNS request senders move to the first
 * of them. Limits are not checked: a what-if size may exceed them (generate refuses those; the estimate still counts them).
 */
export function environmentTemplates(
  cfg: EnvConfig,
  domains?: number,
  name: (i: number) => string = (i) => `d${String(i).padStart(4, '0')}.example.jp`,
): Templates {
  const list =
    domains === undefined
      ? cfg.ses.domains
      : Array.from({ length: domains }, (_, i) => ({
          ...cfg.ses.domains[0]!,
          name: name(i),
        }));
  const reports =
    cfg.reports && domains !== undefined
      ? { ...cfg.reports, sender: `reports@${list[0]!.name}` }
      : cfg.reports;
  // The DNS request sender, like the report sender, must be at a configured domain: it moves to the first.
  const dnsSender = cfg.byodkim.dnsRequestSender;
  const byodkim =
    dnsSender && domains !== undefined
      ? {
          ...cfg.byodkim,
          dnsRequestSender: `${dnsSender.slice(0, dnsSender.lastIndexOf('@'))}@${list[0]!.name}`,
        }
      : cfg.byodkim;
  const whatIf = { ...cfg, ses: { ...cfg.ses, domains: list }, byodkim, ...(reports ? { reports } : {}) };
  const bundles = new Map(
    STACKS.flatMap((s) => s.handlers ?? []).map((h) => [
      h,
      { key: `handlers/${h}/estimate.zip`, sha256: '' },
    ]),
  );
  const { stacks } = generateAll([whatIf], bundles, { checkLimits: false });
  return Object.fromEntries((stacks.get(cfg.sceptreEnv) ?? []).map((r) => [r.definition.id, r.template]));
}
