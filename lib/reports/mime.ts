/**
 * A raw MIME message for SESv2 SendEmail (Content.Raw): multipart/related around multipart/alternative (text,
 * HTML) with the charts as inline images referenced by Content-ID. UTF-8 everywhere, base64 bodies, RFC 2047
 * encoded subject. Deterministic: boundaries derive from the content hash.
 */
import { createHash } from 'node:crypto';
import type { ChartImage } from './types.js';

const CRLF = '\r\n';

/** Base64 wrapped at 76 characters (RFC 2045). */
function b64(data: string | Uint8Array): string {
  const s = Buffer.from(data).toString('base64');
  return (s.match(/.{1,76}/g) ?? []).join(CRLF);
}

/** RFC 2047 encoded-words of at most 75 characters, split on whole characters. */
export function encodeHeader(value: string): string {
  if (/^[\x20-\x7e]*$/.test(value)) return value;
  const words: string[] = [];
  let chunk = '';
  for (const ch of Array.from(value)) {
    if (Buffer.byteLength(chunk + ch) > 45) {
      words.push(chunk);
      chunk = '';
    }
    chunk += ch;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w).toString('base64')}?=`).join(`${CRLF} `);
}

export interface MailParts {
  readonly from: string;
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  readonly images: readonly ChartImage[];
  readonly date: Date;
}

export function buildMime(m: MailParts): Uint8Array {
  const hash = createHash('sha256').update(m.html).update(m.text).digest('hex').slice(0, 24);
  const related = `rel_${hash}`;
  const alternative = `alt_${hash}`;
  const lines = [
    `From: ${m.from}`,
    `To: ${m.to.join(', ')}`,
    `Subject: ${encodeHeader(m.subject)}`,
    `Date: ${m.date.toUTCString().replace('GMT', '+0000')}`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/related; boundary="${related}"; type="multipart/alternative"`,
    '',
    `--${related}`,
    `Content-Type: multipart/alternative; boundary="${alternative}"`,
    '',
    `--${alternative}`,
    'Content-Type: text/plain; charset=UTF-8',
    'Content-Transfer-Encoding: base64',
    '',
    b64(m.text),
    `--${alternative}`,
    'Content-Type: text/html; charset=UTF-8',
    'Content-Transfer-Encoding: base64',
    '',
    b64(m.html),
    `--${alternative}--`,
    ...m.images.flatMap((img) => [
      `--${related}`,
      `Content-Type: image/png; name="${img.id}.png"`,
      'Content-Transfer-Encoding: base64',
      `Content-ID: <${img.id}@report>`,
      `Content-Disposition: inline; filename="${img.id}.png"`,
      '',
      b64(img.png),
    ]),
    `--${related}--`,
    '',
  ];
  return Buffer.from(lines.join(CRLF), 'utf8');
}
