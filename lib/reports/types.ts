/**
 * The periodic report (seed 4.3.1) as data: configuration, period, sections and blocks. Everything the renderers
 * (HTML, text) and the archive (JSON of the figures) need; no AWS type leaks in here.
 */

import type { Severity } from '../../contracts/severity.js';

export type { Severity };

export const CADENCES = ['daily', 'weekly', 'monthly'] as const;
export type Cadence = (typeof CADENCES)[number];

export interface Tier {
  readonly threshold: number;
  readonly evaluationPeriods: number;
}
export type Tiers = Readonly<Record<Severity, Tier>>;

/** What a report run needs to know about the environment (REPORT_CONFIG_JSON in the function, built by `reportConfig`). */
export interface ReportConfig {
  readonly projectCode: string;
  readonly environment: string;
  readonly region: string;
  /** Common name prefix, e.g. ses-migration-production. */
  readonly prefix: string;
  readonly domains: readonly { readonly name: string; readonly rotationIntervalDays: number }[];
  readonly tiers: {
    readonly bounceRate: Tiers;
    readonly complaintRate: Tiers;
    readonly sendSuccessRate: Tiers;
  };
  readonly deliveryLatencyP90Ms: number;
  readonly firehoseFreshnessSeconds: number;
  readonly logRetentionDays: number;
  readonly archiveExpirationDays: number;
  /** null: archived objects never move to Glacier. */
  readonly archiveGlacierDays: number | null;
  readonly namespace: string;
  readonly deliveryStream: string;
  readonly dashboard: string;
  readonly configurationSet: string;
  /** The report mail's own configuration set (no event destinations). */
  readonly reportConfigurationSet: string;
  readonly logGroups: {
    readonly sesEvents: string;
    readonly application: string;
    readonly compliance: string;
  };
  /** Every function of the product (names), for errors and durations. */
  readonly functions: readonly string[];
  /** Every log group the product owns, for the retention check. */
  readonly ownedLogGroups: readonly string[];
  readonly byodkimTable: string;
  readonly trailName: string;
  /** From address of the report mail (an address at a verified domain); none: nothing is mailed. */
  readonly sender?: string;
  readonly recipients: Readonly<Record<Cadence, readonly string[]>>;
}

/** One reporting period in JST. `key` (YYYY-MM-DD, the first day) names the archive folder. */
export interface Period {
  readonly cadence: Cadence;
  readonly key: string;
  readonly start: Date;
  readonly end: Date;
  /** Japanese label, e.g. 2026年11月30日 (月). */
  readonly label: string;
}

export type Cell = string | number | null;

export type Block =
  | { readonly kind: 'paragraph'; readonly text: string }
  | { readonly kind: 'list'; readonly items: readonly string[] }
  | {
      readonly kind: 'table';
      readonly caption?: string;
      readonly head: readonly string[];
      readonly rows: readonly (readonly Cell[])[];
      /** Per-row highlight: 'bad' (over a tier), 'warn', or none. */
      readonly marks?: readonly ('bad' | 'warn' | undefined)[];
    }
  | { readonly kind: 'chart'; readonly id: string; readonly title: string; readonly alt: string };

export interface Section {
  readonly id: string;
  /** Japanese title as the seed lists it (4.3.1). */
  readonly title: string;
  readonly status: 'ok' | 'missing';
  /** Why the section is missing (Japanese, with the technical reason). */
  readonly reason?: string;
  readonly blocks: readonly Block[];
}

export interface ChartImage {
  readonly id: string;
  readonly title: string;
  readonly png: Uint8Array;
}

export interface ReportModel {
  readonly title: string;
  readonly period: Period;
  readonly environment: string;
  readonly generatedAt: Date;
  /** One paragraph: the summary posted to the P3 topic and the top of the mail. */
  readonly summary: string;
  readonly sections: readonly Section[];
  /** Machine-readable figures, archived as JSON next to the HTML. */
  readonly figures: Record<string, unknown>;
}
