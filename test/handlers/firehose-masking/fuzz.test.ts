/**
 * Fuzz tests of the Firehose transformation: whatever a batch holds (generated JSON of any shape with addresses
 * and IPs in it, arbitrary byte strings, records thousands of levels deep or up to Firehose's 1 MiB record size,
 * emoji, lone surrogates, combining marks), every record gets exactly one result, nothing throws, an `Ok` record
 * is valid UTF-8 JSON with no address or IP left, and a `ProcessingFailed` record carries its original data.
 */
import { isUtf8 } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskRecords } from '../../../handlers/firehose-masking/transform.js';
import { b64, unb64 } from './factories.js';

/** Firehose's largest record (before base64). */
const MAX_RECORD_BYTES = 1024 * 1024;

interface Leaf {
  readonly text: string;
  readonly secrets: readonly string[];
}

const label = fc.stringMatching(/^[a-z][a-z0-9]{1,6}$/);
const domain = fc
  .tuple(label, fc.array(label, { minLength: 1, maxLength: 2 }))
  .map(([a, r]) => [a, ...r].join('.'));
// first character of any script (ASCII, kana, emoji outside the BMP, a letter with a combining mark)
const firstChar = fc.constantFrom('t', 'H', '7', 'あ', '😀', '𠮷', 'é', 'e\u0301');
const email = fc
  .tuple(firstChar, fc.stringMatching(/^[a-z0-9]{6,10}$/), domain)
  .map(([first, core, d]) => ({ text: `${first}${core}@${d}`, secrets: [`${core}@`, `@${d}`] }));
const ipv4 = fc
  .ipV4()
  .filter((ip) => !ip.startsWith('0.'))
  .map((ip) => ({ text: ip, secrets: [ip] }));
const ipv6 = fc
  .ipV6()
  .filter((ip) => ip.split(':').filter(Boolean).length >= 3)
  .map((ip) => ({ text: ip, secrets: [ip] }));
// filler of any UTF-16 code units: lone surrogates, control characters, quotes, backslashes, combining marks
const filler = fc.string({ unit: 'binary', maxLength: 8 }).map((text) => ({ text, secrets: [] }));

/** A string leaf: filler and personal data, separated by spaces. */
const leaf: fc.Arbitrary<Leaf> = fc
  .array(fc.oneof(filler, email, ipv4, ipv6), { minLength: 1, maxLength: 5 })
  .map((parts) => ({ text: parts.map((p) => p.text).join(' '), secrets: parts.flatMap((p) => p.secrets) }));

type Tree = Leaf | number | boolean | null | Tree[] | { k: Leaf; v: Tree }[];

const tree: fc.Arbitrary<Tree> = fc.letrec<{ node: Tree }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small' },
    leaf,
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('node'), { maxLength: 4 }),
    fc.array(fc.record({ k: leaf, v: tie('node') }), { maxLength: 4 }),
  ),
})).node;

/** JSON text of a tree (keys may repeat: Firehose passes whatever bytes it got) and its secrets. */
function render(node: Tree, secrets: string[]): string {
  if (typeof node === 'object' && node !== null && 'text' in node) {
    secrets.push(...node.secrets);
    return JSON.stringify(node.text);
  }
  if (Array.isArray(node)) {
    if (node.every((n) => typeof n === 'object' && n !== null && 'k' in n && 'v' in n) && node.length > 0) {
      const entries = node as { k: Leaf; v: Tree }[];
      return `{${entries.map((e) => `${render(e.k, secrets)}:${render(e.v, secrets)}`).join(',')}}`;
    }
    return `[${(node as Tree[]).map((n) => render(n, secrets)).join(',')}]`;
  }
  return JSON.stringify(node);
}

const jsonRecord = fc.tuple(tree, fc.constantFrom('', '\n', '\r\n')).map(([t, eol]) => {
  const secrets: string[] = [];
  return { kind: 'json' as const, text: `${render(t, secrets)}${eol}`, secrets };
});
const byteRecord = fc.uint8Array({ maxLength: 300 }).map((bytes) => ({ kind: 'bytes' as const, bytes }));

/** Every string of a parsed JSON value, without recursion (outputs can be deep). */
function strings(value: unknown): string[] {
  const out: string[] = [];
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'string') out.push(v);
    else if (Array.isArray(v)) stack.push(...v);
    else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        out.push(k);
        stack.push(x);
      }
    }
  }
  return out;
}

type Input = { kind: 'json'; text: string; secrets: string[] } | { kind: 'bytes'; bytes: Uint8Array };

/** The invariants of one batch; returns how many records came back Ok. */
function checkBatch(inputs: readonly Input[]): number {
  const records = inputs.map((input, i) => ({
    recordId: `r${i}`,
    data: input.kind === 'json' ? b64(input.text) : Buffer.from(input.bytes).toString('base64'),
  }));
  const batch = maskRecords(records);
  expect(batch.records).toHaveLength(records.length);
  expect(batch.records.map((r) => r.recordId)).toEqual(records.map((r) => r.recordId));
  expect(batch.records.filter((r) => r.result === 'ProcessingFailed')).toHaveLength(batch.failed);
  let ok = 0;
  for (const [i, result] of batch.records.entries()) {
    const input = inputs[i]!;
    if (result.result === 'ProcessingFailed') {
      expect(result.data).toBe(records[i]!.data);
      // generated JSON is always valid: it must be masked, not failed
      expect(input.kind).toBe('bytes');
      continue;
    }
    expect(result.result).toBe('Ok');
    ok++;
    const bytes = Buffer.from(result.data!, 'base64');
    expect(isUtf8(bytes)).toBe(true);
    const out = bytes.toString('utf8');
    const before = input.kind === 'json' ? input.text : Buffer.from(input.bytes).toString('utf8');
    // no lone surrogate was turned into U+FFFD on the way out
    expect(out.split('\uFFFD').length).toBeLessThanOrEqual(before.split('\uFFFD').length);
    const decoded = strings(JSON.parse(out)).join('\n');
    if (input.kind === 'json') for (const s of input.secrets) expect(decoded).not.toContain(s);
  }
  return ok;
}

describe('firehose-masking fuzz', () => {
  it('generated JSON and arbitrary byte strings: one result per record, no throw, valid UTF-8, nothing left', () => {
    let records = 0;
    let ok = 0;
    fc.assert(
      fc.property(fc.array(fc.oneof(jsonRecord, byteRecord), { minLength: 1, maxLength: 6 }), (inputs) => {
        records += inputs.length;
        ok += checkBatch(inputs);
      }),
      { numRuns: 400 },
    );
    // the generators reach both outcomes
    expect(ok).toBeGreaterThan(0);
    expect(ok).toBeLessThan(records);
  });

  it('byte strings that are JSON with bytes flipped: failed or masked, never thrown', () => {
    fc.assert(
      fc.property(
        jsonRecord,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
        (record, flips) => {
          const bytes = Buffer.from(record.text, 'utf8');
          for (const [at, byte] of flips) if (bytes.length > 0) bytes[at % bytes.length] = byte;
          checkBatch([{ kind: 'bytes', bytes }]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it.each([2_500, 100_000])(
    'a record %i arrays deep with a \\u escape is masked, not a RangeError',
    (depth) => {
      const text = `${'['.repeat(depth)}"\\u0074aro.yamada@example.co.jp from 203.0.113.45"${']'.repeat(depth)}\n`;
      const batch = maskRecords([
        { recordId: 'deep', data: b64(text) },
        { recordId: 'next', data: b64('{"to":"hanako@example.jp"}') },
      ]);
      expect(batch.records.map((r) => r.result)).toEqual(['Ok', 'Ok']);
      const out = unb64(batch.records[0]!.data);
      expect(out).toContain('"t***@example***.*** from 203.*.*.*"');
      expect(out).not.toContain('yamada');
      expect(out.length).toBeLessThan(text.length);
      expect(unb64(batch.records[1]!.data)).toBe('{"to":"h***@example***.***"}');
    },
  );

  it('a record 100,000 objects deep is masked', () => {
    const depth = 100_000;
    const text = `${'{"a":'.repeat(depth)}"taro@example.com"${'}'.repeat(depth)}`;
    const [result] = maskRecords([{ recordId: 'deep', data: b64(text) }]).records;
    expect(result!.result).toBe('Ok');
    expect(unb64(result!.data)).toContain('"t***@example***.***"');
  });

  const big = (unit: string): string => {
    const encoded = Buffer.byteLength(JSON.stringify(unit)) - 2; // bytes of one unit once JSON-escaped
    const body = unit.repeat(Math.floor((MAX_RECORD_BYTES - 16) / encoded));
    return JSON.stringify({ m: body });
  };

  it.each([
    ['addresses', 'taro@example.com '],
    ['escaped addresses', '\u0001taro@example.com 203.0.113.45 '],
    ['at signs', '@'],
    ['backslashes and quotes', '\\"'],
    ['dotted digits', '1.2.3.4.'],
    ['colons', '::1:'],
    ['emoji', '😀@x.jp '],
  ])('a 1 MiB record of %s gets its own result', (_name, unit) => {
    const text = big(unit);
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(MAX_RECORD_BYTES);
    const batch = maskRecords([
      { recordId: 'big', data: b64(text) },
      { recordId: 'bad', data: b64(`${text.slice(0, -1)}`) },
    ]);
    expect(batch.records.map((r) => [r.recordId, r.result])).toEqual([
      ['big', 'Ok'],
      ['bad', 'ProcessingFailed'],
    ]);
    const out = Buffer.from(batch.records[0]!.data!, 'base64');
    expect(isUtf8(out)).toBe(true);
    const masked = (JSON.parse(out.toString('utf8')) as { m: string }).m;
    expect(masked).not.toMatch(/taro@|203\.0\.113\.45/);
  });

  it.each([
    ['an emoji first character', '{"to":"😀taro@example.com"}', '{"to":"😀***@example***.***"}'],
    ['an escaped emoji', '{"to":"\\ud83d\\ude00taro@example.com"}', '{"to":"😀***@example***.***"}'],
    ['a lone escaped surrogate', '{"to":"\\ud800taro@example.com"}', '{"to":"\\ud800***@example***.***"}'],
    ['a combining mark', '{"to":"e\u0301taro@example.com"}', '{"to":"e***@example***.***"}'],
    ['a family emoji (ZWJ)', '{"to":"👨‍👩‍👧x@example.com"}', '{"to":"👨***@example***.***"}'],
    ['a kanji outside the BMP', '{"to":"𠮷野@example.com"}', '{"to":"𠮷***@example***.***"}'],
    ['an address literal', '{"to":"😀a@[203.0.113.45]"}', '{"to":"😀***@[203.*.*.*]"}'],
  ])('%s stays valid UTF-8', (_name, text, expected) => {
    const [result] = maskRecords([{ recordId: 'x', data: b64(text) }]).records;
    expect(result!.result).toBe('Ok');
    const out = Buffer.from(result!.data!, 'base64');
    expect(isUtf8(out)).toBe(true);
    expect(out.toString('utf8')).toBe(expected);
  });
});
