/** DKIM record helpers: selectors, TXT values, zone-file text, parsing what DNS answers. Pure. */
import { InvalidRequestError } from './errors.js';
import { jstDateStamp } from './time.js';
import type { TxtRecord } from './types.js';

const SELECTOR_RE = /^[A-Za-z0-9-]{1,63}$/;
const DOMAIN_RE = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const MAX_TXT_STRING = 255;

export function isValidSelector(selector: string): boolean {
  return SELECTOR_RE.test(selector);
}

export function assertDomain(domain: string): string {
  if (!DOMAIN_RE.test(domain)) {
    throw new InvalidRequestError(
      `domain '${domain}' is not a valid lower-case DNS domain name (e.g. 'goo.ne.jp')`,
    );
  }
  return domain;
}

/**
 * New selector `ses<YYYYMMDD JST>`, or `ses<date>-<n>` when that name is taken (a second rotation the same
 * day, e.g. after an abort). Only [A-Za-z0-9-] as SES requires.
 */
export function newSelector(now: Date, taken: ReadonlyArray<string | undefined>): string {
  const base = `ses${jstDateStamp(now)}`;
  const used = new Set(taken.filter((s): s is string => s !== undefined));
  if (!used.has(base)) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base}-${n}`;
    if (!used.has(candidate)) return candidate;
  }
}

export function recordName(selector: string, domain: string): string {
  return `${selector}._domainkey.${domain}`;
}

/** Splits a string into chunks of at most 255 characters (one TXT record, several strings). */
export function splitTxt(value: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < value.length; i += MAX_TXT_STRING) out.push(value.slice(i, i + MAX_TXT_STRING));
  return out.length > 0 ? out : [''];
}

/** The TXT record that publishes `publicKey` (base64 DER SPKI) for `selector`. */
export function dkimTxtRecord(selector: string, domain: string, publicKey: string): TxtRecord {
  const value = `v=DKIM1; k=rsa; p=${publicKey}`;
  return { name: recordName(selector, domain), value, strings: splitTxt(value) };
}

/** The record as a zone-file line, ready to paste (BIND syntax, strings in parentheses). */
export function zoneFileLine(record: TxtRecord, ttl = 3600): string {
  const strings = record.strings.map((s) => `"${s}"`).join('\n    ');
  return `${record.name}. ${ttl} IN TXT (\n    ${strings} )`;
}

/** The record's value in Route 53's `ResourceRecord.Value` syntax: quoted strings separated by spaces. */
export function route53Value(record: TxtRecord): string {
  return record.strings.map((s) => `"${s}"`).join(' ');
}

/** Parses DKIM tags of one TXT value (`v=DKIM1; k=rsa; p=...`); whitespace inside values is dropped. */
export function parseDkimTags(value: string): Map<string, string> {
  const tags = new Map<string, string>();
  for (const part of value.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    if (key) tags.set(key, part.slice(eq + 1).replace(/\s+/g, ''));
  }
  return tags;
}

export type LookupResult =
  | { readonly kind: 'MATCH' }
  | { readonly kind: 'NOT_FOUND' }
  | { readonly kind: 'MISMATCH'; readonly published: readonly string[] };

/**
 * Compares what DNS answers (node:dns resolveTxt shape: one string[] per record) with the expected public
 * key. MATCH only if every DKIM record at the name carries exactly this key and at least one exists.
 */
export function compareTxt(answer: ReadonlyArray<ReadonlyArray<string>>, publicKey: string): LookupResult {
  const keys = answer
    .map((chunks) => parseDkimTags(chunks.join('')).get('p'))
    .filter((p): p is string => p !== undefined);
  if (keys.length === 0) return { kind: 'NOT_FOUND' };
  if (keys.every((k) => k === publicKey)) return { kind: 'MATCH' };
  return { kind: 'MISMATCH', published: keys.map((k) => (k.length > 24 ? `${k.slice(0, 24)}...` : k)) };
}
