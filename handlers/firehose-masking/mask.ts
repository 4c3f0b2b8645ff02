/**
 * PII masking of SES event records (seed 3.4.1), pure and synchronous.
 *
 * Formats (see README.md next to this file for the reasoning):
 * - email `taro.yamada@example.co.jp` -> `t***@example***.***` (first character of the local part, first label
 *   of the domain), also URL-encoded (`taro%40example.com` -> `t***%40example***.***`) and with an address
 *   literal (`taro@[203.0.113.45]` -> `t***@[203.*.*.*]`); an `@domain` without local part -> `@example***.***`;
 * - display names of address lists (`"Taro Yamada" <taro@example.com>, Hanako <h@example.jp>`) ->
 *   `"T***" <t***@example***.***>, H*** <h***@example***.***>`; a trailing comment `(Taro)` -> `(T***)`;
 * - IPv4 `203.0.113.45` -> `203.*.*.*`; IPv6 `2001:db8::1` -> `2001:*:*:*` (empty first group: `:*:*:*`).
 *
 * Every mask is a fixed point: masking masked text changes nothing.
 *
 * Two entry points share one scanner: `maskString` works on a decoded string, `maskJsonText` on the raw text
 * of a JSON document (the fast path of the Firehose transformation: no parse/stringify round trip). The raw
 * scanner understands the escapes `\" \\ \b \f \n \r \t`; text with `\uXXXX` or `\/` escapes (which could hide
 * an address character) is masked string token by string token, each decoded on its own (`maskStringTokens`).
 *
 * Over 400 lines on purpose: one hand-written character-class scanner (the hot path of every SES event, see
 * `npm run bench`) whose email, display-name and IP rules share the class table and the cursor; splitting it
 * would put one state machine in several files.
 */

const LOCAL = 1; // RFC 5322 atext and '.', without '/' (so `identity/taro@x` keeps `identity/`)
const URL_LOCAL = 32; // LOCAL without the URL query delimiters '?', '&', '=', '#' (before a `%40`)
const DOMAIN = 2; // letters, digits, '-'
const HEX = 4;
const WORD = 8; // letters, digits, '_'
const DIGIT = 16;

const CLASS = new Uint8Array(128);
function mark(chars: string, flag: number): void {
  for (let i = 0; i < chars.length; i++) CLASS[chars.charCodeAt(i)]! |= flag;
}
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
mark(`${LETTERS}${DIGITS}!#$%&'*+=?^_\`{|}~.-`, LOCAL);
mark(`${LETTERS}${DIGITS}!$%'*+^_\`{|}~.-`, URL_LOCAL);
mark(`${LETTERS}${DIGITS}-`, DOMAIN);
mark(`${DIGITS}abcdefABCDEF`, HEX);
mark(`${LETTERS}${DIGITS}_`, WORD);
mark(DIGITS, DIGIT);

// Non-ASCII characters (internationalised local parts and domains: `jürgen@`, `taro@例え.jp`) count as address
// characters, but not as word characters, so `接続元203.0.113.45から` still has its IP address masked.
const NON_ASCII = LOCAL | URL_LOCAL | DOMAIN;

function cls(code: number): number {
  return code < 128 ? CLASS[code]! : NON_ASCII;
}

const BACKSLASH = 92;
const QUOTE = 34;
const AT = 64;
const DOT = 46;
const COLON = 58;

/** True when the character at `i` is preceded by an odd number of backslashes (it is escaped in JSON text). */
function isEscaped(s: string, i: number): boolean {
  let n = 0;
  for (let j = i - 1; j >= 0 && s.charCodeAt(j) === BACKSLASH; j--) n++;
  return (n & 1) === 1;
}

// ---------------------------------------------------------------------------------------------------------------
// Single values

/** Masks one email address as seed 3.4.1 does: `taro.yamada@example.co.jp` -> `t***@example***.***`. */
export function maskEmailAddress(email: string): string {
  const at = email.indexOf('@');
  if (at <= 0) return '***@***.***';
  return `${email[0]}***@${email.slice(at + 1).split('.')[0]}***.***`;
}

/** `203.0.113.45` -> `203.*.*.*` */
export function maskIpv4(ip: string): string {
  return `${ip.slice(0, ip.indexOf('.'))}.*.*.*`;
}

/** `2001:db8::1` -> `2001:*:*:*`, `::1` -> `:*:*:*` */
export function maskIpv6(ip: string): string {
  return `${ip.slice(0, ip.indexOf(':'))}:*:*:*`;
}

/** True for a dotted quad with octets 0-255 (leading zeros allowed, as in logs). */
export function isIpv4(s: string): boolean {
  const n = s.length;
  let parts = 0;
  let i = 0;
  while (i <= n) {
    let v = 0;
    let digits = 0;
    while (i < n && cls(s.charCodeAt(i)) & DIGIT) {
      v = v * 10 + s.charCodeAt(i) - 48;
      digits++;
      i++;
    }
    if (digits === 0 || digits > 3 || v > 255) return false;
    parts++;
    if (i === n) break;
    if (s.charCodeAt(i) !== DOT) return false;
    i++;
  }
  return parts === 4;
}

const HEX_GROUP = /^[0-9A-Fa-f]{1,4}$/;

/** True for an RFC 4291 textual IPv6 address (with `::` and an IPv4 tail), not the bare `::`. */
export function isIpv6(s: string): boolean {
  const halves = s.split('::');
  if (halves.length > 2) return false;
  let groups = 0;
  for (let h = 0; h < halves.length; h++) {
    const half = halves[h]!;
    if (half === '') continue;
    const parts = half.split(':');
    for (let p = 0; p < parts.length; p++) {
      const part = parts[p]!;
      if (h === halves.length - 1 && p === parts.length - 1 && part.includes('.')) {
        if (!isIpv4(part)) return false;
        groups += 2;
      } else if (HEX_GROUP.test(part)) {
        groups += 1;
      } else {
        return false;
      }
    }
  }
  return halves.length === 2 ? groups >= 1 && groups <= 7 : groups === 8;
}

// ---------------------------------------------------------------------------------------------------------------
// Display names

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

/** Characters that end an unquoted word of an address list. */
function isSpecial(c: number): boolean {
  // " ( ) , ; < >
  return c === 34 || c === 40 || c === 41 || c === 44 || c === 59 || c === 60 || c === 62;
}

/**
 * Reading a string either as it is (`json` false) or as the raw content of a JSON string (`json` true), where
 * `\"`, `\\`, `\n`, `\t`, `\r`, `\b`, `\f` are one character each (the fast path never sees `\u` or `\/`).
 */
function decodedAt(s: string, i: number, json: boolean): number {
  const c = s.charCodeAt(i);
  if (!json || c !== BACKSLASH) return c;
  switch (s.charCodeAt(i + 1)) {
    case 110:
      return 10; // n
    case 116:
      return 9; // t
    case 114:
      return 13; // r
    case 98:
      return 8; // b
    case 102:
      return 12; // f
    default:
      return s.charCodeAt(i + 1); // " \ /
  }
}

function stepOver(s: string, i: number, json: boolean): number {
  return json && s.charCodeAt(i) === BACKSLASH ? i + 2 : i + 1;
}

/**
 * `Taro Yamada` -> `T***`, `"Taro Yamada"` -> `"T***"` (raw `[start, end)` of `s`, written back in the same
 * encoding); an RFC 2047 encoded word shows nothing (`***`); an already masked name stays as it is.
 */
function maskName(s: string, start: number, end: number, json: boolean): string {
  const quoted = decodedAt(s, start, json) === QUOTE;
  let i = start;
  let c = 0;
  while (i < end) {
    c = decodedAt(s, i, json);
    if (c !== QUOTE && c !== BACKSLASH && !isSpace(c)) break;
    i = stepOver(s, i, json);
  }
  let first = '';
  const raw = s.charCodeAt(i);
  const encodedWord = c === 61 && decodedAt(s, i + 1, json) === 63; // =?
  if (i < end && raw !== BACKSLASH && c >= 32 && c !== 42 && !encodedWord) {
    first = String.fromCodePoint(s.codePointAt(i)!);
  }
  if (!quoted) return `${first}***`;
  return json ? `\\"${first}***\\"` : `"${first}***"`;
}

const LETTER = /\p{L}/u;

/** One replacement of raw text `[start, end)`. */
interface Edit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/**
 * If `[from, to)` of `s` is an RFC 5322 address list with at least one display name or comment, the edits that
 * mask the names (addresses are left to the email pass); otherwise null.
 */
function displayNameEdits(s: string, from: number, to: number, json: boolean): Edit[] | null {
  const edits: Edit[] = [];
  let i = from;
  const skipSpace = () => {
    while (i < to && isSpace(decodedAt(s, i, json))) i = stepOver(s, i, json);
  };
  for (;;) {
    skipSpace();
    const phraseStart = i;
    let phraseEnd = i;
    let words = 0;
    let bareAt = false;
    let wordSpecial = false; // an unquoted ':', '[', ']', '\\' or '@': fine in a bare address, not in a name
    // the words of a phrase, or one bare address
    for (;;) {
      skipSpace();
      if (i >= to) break;
      const c = decodedAt(s, i, json);
      if (c === QUOTE) {
        let j = stepOver(s, i, json);
        while (j < to && decodedAt(s, j, json) !== QUOTE) {
          if (decodedAt(s, j, json) === BACKSLASH) j = stepOver(s, j, json);
          j = stepOver(s, j, json);
        }
        if (j >= to) return null;
        i = stepOver(s, j, json);
      } else if (isSpecial(c)) {
        break;
      } else {
        while (i < to) {
          const d = decodedAt(s, i, json);
          if (isSpace(d) || isSpecial(d)) break;
          if (d === AT) bareAt = true;
          if (d === AT || d === COLON || d === 91 || d === 93 || d === BACKSLASH) wordSpecial = true;
          i = stepOver(s, i, json);
        }
      }
      phraseEnd = i;
      words++;
    }
    const c = i < to ? decodedAt(s, i, json) : -1;
    if (c === 60) {
      // angle address: `<...>` holding an '@'
      const close = s.indexOf('>', i);
      if (close < 0 || close >= to) return null;
      const at = s.indexOf('@', i);
      const lt = s.indexOf('<', i + 1);
      if (at < 0 || at > close || (lt >= 0 && lt < close)) return null;
      if (words > 0) {
        // a name has a letter and no unquoted specials: `550 5.1.1 <...>` and `10:02:03 <...>` are not names
        if (wordSpecial || !LETTER.test(s.slice(phraseStart, phraseEnd))) return null;
        edits.push({ start: phraseStart, end: phraseEnd, text: maskName(s, phraseStart, phraseEnd, json) });
      }
      i = close + 1;
    } else {
      if (words !== 1 || !bareAt) return null;
      // optional trailing comment: `taro@example.com (Taro Yamada)`
      skipSpace();
      if (i < to && decodedAt(s, i, json) === 40) {
        const close = s.indexOf(')', i);
        if (close < 0 || close >= to) return null;
        edits.push({ start: i + 1, end: close, text: maskName(s, i + 1, close, json) });
        i = close + 1;
      }
    }
    skipSpace();
    if (i >= to) break;
    if (decodedAt(s, i, json) !== 44) return null;
    i++;
  }
  return edits.length > 0 ? edits : null;
}

/**
 * If the whole (decoded) string is an address list with at least one display name or comment, returns it with the
 * names masked (addresses untouched: the email pass masks them); otherwise null.
 */
export function maskDisplayNames(s: string): string | null {
  const edits = displayNameEdits(s, 0, s.length, false);
  if (edits === null) return null;
  let out = '';
  let last = 0;
  for (const e of edits) {
    out += s.slice(last, e.start) + e.text;
    last = e.end;
  }
  return out + s.slice(last);
}

// ---------------------------------------------------------------------------------------------------------------
// Scanner

/** Set by `scanDomain`: end of the first label of the domain it accepted. */
let firstLabelEnd = 0;

/**
 * End (exclusive) of a domain of at least two labels starting at `start`, or -1 when there is none; sets
 * `firstLabelEnd`. (A hand loop: this runs for every '@' of every record.)
 */
function scanDomain(s: string, start: number): number {
  const n = s.length;
  let j = start;
  let firstDot = -1;
  let prevDot = true; // no empty label
  for (; j < n; j++) {
    const c = s.charCodeAt(j);
    if (c === DOT) {
      if (prevDot) break;
      if (firstDot < 0) firstDot = j;
      prevDot = true;
    } else if (cls(c) & DOMAIN) {
      prevDot = false;
    } else {
      break;
    }
  }
  // no trailing dots or hyphens (end of a sentence: `mail taro@example.com.`)
  while (j > start && (s.charCodeAt(j - 1) === DOT || s.charCodeAt(j - 1) === 45)) j--;
  if (firstDot < 0 || firstDot >= j - 1) return -1;
  firstLabelEnd = firstDot;
  return j;
}

/** `[203.0.113.45]` or `[IPv6:2001:db8::1]` right after an '@': its end and its masked form. */
function scanAddressLiteral(s: string, start: number): { end: number; masked: string } | null {
  if (s.charCodeAt(start) !== 91) return null;
  const close = s.indexOf(']', start);
  if (close < 0 || close - start > 50) return null;
  const inner = s.slice(start + 1, close);
  if (isIpv4(inner)) return { end: close + 1, masked: `[${maskIpv4(inner)}]` };
  const v6 = /^ipv6:/i.test(inner) ? inner.slice(5) : '';
  if (v6 && isIpv6(v6)) return { end: close + 1, masked: `[${inner.slice(0, 5)}${maskIpv6(v6)}]` };
  return null;
}

/** Set by `enclosingString`: the opening and closing quote of the JSON string it found. */
let stringStart = 0;
let stringEnd = 0;

/** Finds the JSON string around position `at` of raw JSON text (see `stringStart`); false if unbalanced. */
function enclosingString(s: string, at: number): boolean {
  let qs = s.lastIndexOf('"', at);
  while (qs > 0 && isEscaped(s, qs)) qs = s.lastIndexOf('"', qs - 1);
  let qe = s.indexOf('"', at);
  while (qe > 0 && isEscaped(s, qe)) qe = s.indexOf('"', qe + 1);
  stringStart = qs;
  stringEnd = qe;
  return qs >= 0 && qe >= 0;
}

/** Finds, in order, the positions of '@', '%40', '<' and '(' with cached forward searches (linear overall). */
class Cursor {
  private at = -2;
  private pct = -2;
  private lt = -2;
  private lp = -2;
  constructor(private readonly s: string) {}

  /** Position of the next '@' or '%40' at or after `from`, or -1. */
  separator(from: number): number {
    if (this.at !== -1 && this.at < from) this.at = this.s.indexOf('@', from);
    if (this.pct !== -1 && this.pct < from) this.pct = this.s.indexOf('%40', from);
    const a = this.at;
    const p = this.pct;
    return a < 0 ? p : p < 0 || a < p ? a : p;
  }

  /** True when '<' or '(' occurs in `[from, to)`. */
  nameSyntax(from: number, to: number): boolean {
    if (this.lt !== -1 && this.lt < from) this.lt = this.s.indexOf('<', from);
    if (this.lp !== -1 && this.lp < from) this.lp = this.s.indexOf('(', from);
    return (this.lt >= 0 && this.lt < to) || (this.lp >= 0 && this.lp < to);
  }
}

const NO_EDITS: Edit[] = [];

/**
 * The email pass: emails, and the display names of strings that are address lists. `json`: `s` is raw JSON
 * text (each JSON string is looked at once, when its first '@' is met); otherwise `s` is one decoded string.
 */
export function maskEmails(s: string, json: boolean): string {
  const cur = new Cursor(s);
  let sep = cur.separator(0);
  if (sep < 0) return s;
  let out = '';
  let last = 0;
  let checkedUpTo = -1; // end of the last string whose display names were looked at
  let edits = NO_EDITS;
  let ei = 0;
  for (;;) {
    const edit = ei < edits.length ? edits[ei]! : undefined;
    if (edit !== undefined && (sep < 0 || edit.start <= sep)) {
      out += s.slice(last, edit.start) + edit.text;
      last = edit.end;
      ei++;
      if (sep >= 0 && sep < last) sep = cur.separator(last); // an '@' inside a quoted name
      continue;
    }
    if (sep < 0) break;
    if (sep > checkedUpTo) {
      let found = true;
      if (json) found = enclosingString(s, sep);
      else [stringStart, stringEnd] = [-1, s.length];
      checkedUpTo = found ? stringEnd : s.length;
      if (found && cur.nameSyntax(stringStart + 1, stringEnd)) {
        edits = displayNameEdits(s, stringStart + 1, stringEnd, json) ?? NO_EDITS;
        ei = 0;
        continue;
      }
    }
    const sepLen = s.charCodeAt(sep) === AT ? 1 : 3;
    // local part: the atext run before the separator, not reaching into the previous mask
    const localClass = sepLen === 1 ? LOCAL : URL_LOCAL;
    let ls = sep;
    while (ls > last && cls(s.charCodeAt(ls - 1)) & localClass) ls--;
    if (json && ls < sep && ls > 0 && isEscaped(s, ls)) ls++; // `\ntaro@`: the 'n' belongs to the escape
    // leading punctuation is not part of it (a non-ASCII letter is)
    while (ls < sep && !(cls(s.charCodeAt(ls)) & WORD) && s.charCodeAt(ls) < 128) ls++;
    const domainStart = sep + sepLen;
    const domainEnd = scanDomain(s, domainStart);
    const quoted = ls === sep && sepLen === 1 && domainEnd >= 0 ? quotedLocalStart(s, sep, last, json) : -1;
    if (quoted >= 0) {
      // `"john doe"@example.com`: the quoted local part shows nothing
      out += `${s.slice(last, quoted)}${json ? '\\"***\\"' : '"***"'}@${s.slice(domainStart, firstLabelEnd)}***.***`;
      last = domainEnd;
    } else if (domainEnd >= 0) {
      const local = ls < sep ? `${firstCodePoint(s, ls)}***` : '';
      out += `${s.slice(last, ls)}${local}${s.slice(sep, domainStart)}${s.slice(domainStart, firstLabelEnd)}***.***`;
      last = domainEnd;
    } else if (sepLen === 1 && ls < sep) {
      const literal = scanAddressLiteral(s, sep + 1);
      if (literal !== null) {
        out += `${s.slice(last, ls)}${firstCodePoint(s, ls)}***@${literal.masked}`;
        last = literal.end;
      }
    }
    sep = cur.separator(Math.max(last, sep + 1));
  }
  return last === 0 ? s : out + s.slice(last);
}

/**
 * The whole character at `i` (both halves of a surrogate pair: an emoji first character must not be cut into a
 * lone surrogate, which is not valid UTF-8 for the next reader).
 */
function firstCodePoint(s: string, i: number): string {
  const c = s.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff) {
    const d = s.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return s.slice(i, i + 2);
  }
  return s.charAt(i);
}

/**
 * Start of a quoted local part ending right before the '@' at `sep` (`"john doe"@`, in JSON text `\"john doe\"@`),
 * not before `floor`, at most 128 characters long; -1 when there is none.
 */
function quotedLocalStart(s: string, sep: number, floor: number, json: boolean): number {
  const close = json ? sep - 2 : sep - 1;
  if (close <= floor || s.charCodeAt(sep - 1) !== QUOTE) return -1;
  if (json && s.charCodeAt(sep - 2) !== BACKSLASH) return -1;
  const limit = Math.max(floor, close - 128);
  for (let i = close - 1; i >= limit; i--) {
    if (s.charCodeAt(i) !== QUOTE) continue;
    if (json) return s.charCodeAt(i - 1) === BACKSLASH && i - 1 >= floor ? i - 1 : -1;
    return i;
  }
  return -1;
}

/** True when the character before `i` glues a token at `i` to a word (`v1.2.3.4`, `x203.0.113.45`). */
function attachedBefore(s: string, i: number, json: boolean): boolean {
  if (i === 0) return false;
  const c = s.charCodeAt(i - 1);
  if (c === DOT) return true;
  if (!(cls(c) & WORD)) return false;
  // `\n203.0.113.45` in JSON text: the 'n' is an escape, not a word
  return !(json && isEscaped(s, i - 1));
}

const IPV4_CANDIDATE = /\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}/g;

export function maskIpv4s(s: string, json: boolean): string {
  IPV4_CANDIDATE.lastIndex = 0;
  let out = '';
  let last = 0;
  const n = s.length;
  for (let m = IPV4_CANDIDATE.exec(s); m !== null; m = IPV4_CANDIDATE.exec(s)) {
    const start = m.index;
    const end = IPV4_CANDIDATE.lastIndex;
    if (attachedBefore(s, start, json)) continue;
    if (end < n) {
      const c = s.charCodeAt(end);
      if (cls(c) & WORD || c === AT) continue;
      if (c === DOT && end + 1 < n && cls(s.charCodeAt(end + 1)) & DIGIT) continue; // 1.2.3.4.5
    }
    const ip = m[0];
    if (!isIpv4(ip)) continue;
    out += s.slice(last, start) + maskIpv4(ip);
    last = end;
  }
  return last === 0 ? s : out + s.slice(last);
}

// every IPv6 address has a '::' or seven colons between hex groups; times (`01:02:03.000`) do not trigger
const IPV6_TRIGGER = /::|:[0-9A-Fa-f]{1,4}:[0-9A-Fa-f]{1,4}:[0-9A-Fa-f]{1,4}:/g;

export function maskIpv6s(s: string, json: boolean): string {
  IPV6_TRIGGER.lastIndex = 0;
  let out = '';
  let last = 0;
  let m: RegExpExecArray | null = IPV6_TRIGGER.exec(s);
  while (m !== null) {
    // the whole run of hex digits and colons (plus a dotted IPv4 tail) around the trigger
    let start = m.index;
    while (start > last && cls(s.charCodeAt(start - 1)) & HEX) start--;
    while (start > last && s.charCodeAt(start - 1) === COLON) {
      start--;
      while (start > last && cls(s.charCodeAt(start - 1)) & HEX) start--;
    }
    let end = m.index + 1;
    const n = s.length;
    while (end < n) {
      const c = s.charCodeAt(end);
      if (c === COLON || c === DOT || cls(c) & HEX) end++;
      else break;
    }
    IPV6_TRIGGER.lastIndex = end;
    while (end > start && s.charCodeAt(end - 1) === DOT) end--;
    if (json && start > 0 && isEscaped(s, start)) start++; // `\f2001:db8::1`: 'f' belongs to the escape
    // `IPv6:2001:db8::1`: drop leading groups glued to a word
    while (start < end && attachedBefore(s, start, json)) {
      const colon = s.indexOf(':', start);
      if (colon < 0 || colon >= end) break;
      start = colon + 1;
      if (s.charCodeAt(start) === COLON) break;
    }
    let cand = s.slice(start, end);
    if (cand.endsWith(':') && !cand.endsWith('::')) cand = cand.slice(0, -1);
    const after = start + cand.length < n ? s.charCodeAt(start + cand.length) : 0;
    if (!(cls(after) & WORD) && !attachedBefore(s, start, json) && isIpv6(cand)) {
      out += s.slice(last, start) + maskIpv6(cand);
      last = start + cand.length;
    }
    m = IPV6_TRIGGER.exec(s);
  }
  return last === 0 ? s : out + s.slice(last);
}

function maskText(s: string, json: boolean): string {
  // IPv4 before IPv6: a masked IPv4 (`203.*.*.*`) can end a hex/colon run, never start a new IPv4, so this order
  // gives the same result when run twice (the other order does not, e.g. for `::0:0.0.0.0::0.0.0.0`)
  return maskIpv6s(maskIpv4s(maskEmails(s, json), json), json);
}

/** Masks every email address, display name and IP address in a (decoded) string. */
export function maskString(s: string): string {
  return maskText(s, false);
}

/** Masks every string (values and keys, any depth) of a parsed JSON value; other values are returned as they are. */
export function maskValue(value: unknown): unknown {
  if (typeof value === 'string') return maskString(value);
  if (Array.isArray(value)) return value.map(maskValue);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      const k = maskString(key);
      // a `__proto__` key from JSON.parse is an own property; keep it one
      Object.defineProperty(out, k, {
        value: maskValue(v),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return value;
}

/** Thrown by `maskJsonText` for text that is not JSON. */
export class NotJsonError extends Error {
  override readonly name = 'NotJsonError';
}

/**
 * Masks the raw text of one JSON document, keeping its formatting (and a trailing newline); throws
 * `NotJsonError` when the text is not JSON. The result always parses. Nothing here recurses over the document's
 * structure, so a record of any depth is masked (JSON.parse is iterative; JSON.stringify and a recursive walk are
 * not: arrays 2,500 deep overflow the stack).
 */
export function maskJsonText(text: string): string {
  if (text.includes('\\u') || text.includes('\\/')) return maskStringTokens(text);
  const masked = maskText(text, true);
  try {
    JSON.parse(masked);
    return masked;
  } catch (cause) {
    if (masked === text) throw new NotJsonError('record is not valid JSON', { cause });
    // the input did not parse either, or (a bug) masking broke it: the string-by-string path decides
    return maskStringTokens(text);
  }
}

/**
 * The path for text with `\u` or `\/` escapes: each JSON string token (keys and values) is decoded on its own,
 * masked as a decoded string and written back with JSON.stringify (which escapes lone surrogates, so the output
 * stays valid UTF-8). Text outside strings is copied as it is.
 */
function maskStringTokens(text: string): string {
  try {
    JSON.parse(text);
  } catch (cause) {
    throw new NotJsonError('record is not valid JSON', { cause });
  }
  let out = '';
  let last = 0;
  let open = text.indexOf('"');
  while (open >= 0) {
    let close = text.indexOf('"', open + 1);
    while (close > 0 && isEscaped(text, close)) close = text.indexOf('"', close + 1);
    if (close < 0) break; // cannot happen for text that parsed
    const raw = text.slice(open, close + 1);
    const decoded = JSON.parse(raw) as string;
    const masked = maskString(decoded);
    if (masked !== decoded) {
      out += text.slice(last, open) + JSON.stringify(masked);
      last = close + 1;
    }
    open = text.indexOf('"', close + 1);
  }
  return last === 0 ? text : out + text.slice(last);
}
