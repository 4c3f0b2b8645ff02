/** DKIM record helpers: selectors, TXT values, zone-file text, parsing what DNS answers. Pure. */
import { jstDateStamp } from './time.js';
import type { TxtRecord } from './types.js';

const SELECTOR_RE = /^[A-Za-z0-9-]{1,63}$/;
const MAX_TXT_STRING = 255;

export function isValidSelector(selector: string): boolean {
  return SELECTOR_RE.test(selector);
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

/**
 * Parses one DKIM key record as an RFC 6376 tag-list (section 3.2): `tag=value` pairs separated by `;`,
 * whitespace around tags and values ignored, whitespace inside a base64 value dropped. Returns undefined
 * when the text is not a valid tag-list (a pair without `=`, an empty or malformed tag name, or a tag that
 * occurs twice: "the entire tag-list is invalid").
 */
export function parseDkimTags(value: string): Map<string, string> | undefined {
  const tags = new Map<string, string>();
  const parts = value.split(';');
  // A trailing `;` is allowed (tag-list = tag-spec *( ";" tag-spec ) [ ";" ]).
  if (parts.length > 1 && parts.at(-1)!.trim() === '') parts.pop();
  for (const part of parts) {
    const eq = part.indexOf('=');
    if (eq < 0) return undefined;
    const key = part.slice(0, eq).trim();
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(key) || tags.has(key)) return undefined;
    tags.set(key, part.slice(eq + 1).replace(/\s+/g, ''));
  }
  return tags;
}

/** Why a DKIM record cannot carry our key for an RFC 6376 verifier (undefined: usable). */
function unusable(tags: Map<string, string>, first: string | undefined): string | undefined {
  const v = tags.get('v');
  if (v !== undefined && (first !== 'v' || v !== 'DKIM1')) return 'v= must be DKIM1 and the first tag';
  const k = tags.get('k') ?? 'rsa';
  if (k !== 'rsa') return `k=${k} (the key is RSA)`;
  const h = tags.get('h');
  if (h !== undefined && !h.split(':').includes('sha256')) return `h=${h} does not allow sha256`;
  const s = tags.get('s');
  if (s !== undefined && !s.split(':').some((x) => x === '*' || x === 'email')) {
    return `s=${s} does not allow email`;
  }
  return undefined;
}

/** One TXT record at a DKIM name, classified. */
export type DkimRecord =
  | { readonly kind: 'KEY'; readonly p: string }
  | { readonly kind: 'REVOKED' }
  | { readonly kind: 'INVALID'; readonly why: string }
  | { readonly kind: 'OTHER' };

/** Classifies one TXT record (its strings joined) by RFC 6376 section 3.6.1. */
export function classifyDkimRecord(text: string): DkimRecord {
  const looksDkim = /^\s*v\s*=\s*DKIM/.test(text) || /(^|;)\s*p\s*=/.test(text);
  if (!looksDkim) return { kind: 'OTHER' };
  const tags = parseDkimTags(text);
  if (!tags) return { kind: 'INVALID', why: 'not a valid tag-list' };
  const p = tags.get('p');
  if (p === undefined) return { kind: 'INVALID', why: 'no p= tag' };
  const why = unusable(tags, [...tags.keys()][0]);
  if (why) return { kind: 'INVALID', why };
  if (p === '') return { kind: 'REVOKED' };
  return { kind: 'KEY', p };
}

export type LookupResult =
  | { readonly kind: 'MATCH' }
  | { readonly kind: 'NOT_FOUND' }
  /** Every DKIM record at the name has an empty `p=`: the key is revoked, which counts as removed. */
  | { readonly kind: 'REVOKED' }
  | { readonly kind: 'MISMATCH'; readonly published: readonly string[] };

/** True when no verifier can use a key at the name any more (no DKIM record, or only revocations). */
export function isRemoved(r: LookupResult): boolean {
  return r.kind === 'NOT_FOUND' || r.kind === 'REVOKED';
}

/**
 * Compares what DNS answers (node:dns resolveTxt shape: one string[] per record) with the expected public
 * key. MATCH only if at least one DKIM record exists and every DKIM record at the name is usable by an
 * RFC 6376 verifier and carries exactly this key.
 */
export function compareTxt(answer: ReadonlyArray<ReadonlyArray<string>>, publicKey: string): LookupResult {
  const records = answer
    .map((chunks) => classifyDkimRecord(chunks.join('')))
    .filter((r) => r.kind !== 'OTHER');
  if (records.length === 0) return { kind: 'NOT_FOUND' };
  if (records.every((r) => r.kind === 'REVOKED')) return { kind: 'REVOKED' };
  if (records.every((r) => r.kind === 'KEY' && r.p === publicKey)) return { kind: 'MATCH' };
  const short = (k: string) => (k.length > 24 ? `${k.slice(0, 24)}...` : k);
  return {
    kind: 'MISMATCH',
    published: records.map((r) =>
      r.kind === 'KEY' ? short(r.p) : r.kind === 'REVOKED' ? '(p= empty)' : `(${r.why})`,
    ),
  };
}
