import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskJsonText, maskString, maskValue } from '../../../handlers/firehose-masking/mask.js';
import { maskRecords } from '../../../handlers/firehose-masking/transform.js';
import { b64, unb64 } from './factories.js';

/** A string leaf holding personal data, with what must not survive and what must. */
class Pii {
  constructor(
    readonly text: string,
    readonly secrets: readonly string[],
    readonly keep: readonly string[] = [],
  ) {}
}

// Text that holds no address and no IP, but plenty of syntax: quotes, backslashes, control characters,
// angle brackets, commas, non-BMP characters.
const PLAIN_CHARS = Array.from('abcXYZ 0123-_/"\'\\\n\t\u0001<>,;()[]{}=?+日本語テスト😀𠮷');
const plainText = fc.string({ unit: fc.constantFrom(...PLAIN_CHARS), maxLength: 12 });

const label = fc.stringMatching(/^[a-z][a-z0-9]{0,6}$/);
const domain = fc
  .tuple(label, fc.array(label, { minLength: 1, maxLength: 2 }))
  .map(([a, r]) => [a, ...r].join('.'));
// a distinctive local part: first character (kept by the mask) + a core that must disappear
const localPart = fc
  .tuple(
    fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'),
    fc.stringMatching(/^[a-z0-9]{6,10}$/),
    fc.constantFrom('', '.yamada', '+news', '-ops', '_x', "'o", '=verp'),
  )
  .map(([first, core, suffix]) => ({ local: `${first}${core}${suffix}`, core: `${core}${suffix}` }));
const email = fc.tuple(localPart, domain).map(([l, d]) => ({ address: `${l.local}@${d}`, core: l.core }));
const ipv4 = fc.ipV4();
const ipv6 = fc.ipV6().filter((ip) => ip !== '::');
const isoTimestamp = fc
  .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true })
  .map((d) => d.toISOString());
const clock = fc
  .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }), fc.integer({ min: 0, max: 59 }))
  .map((t) => t.map((n) => String(n).padStart(2, '0')).join(':'));

/** Free text with addresses and IPs between filler, separated by a space (or a typical delimiter). */
const freeText = fc
  .array(
    fc.oneof(
      email.map((e) => new Pii(e.address, [e.address, e.core])),
      email.map((e) => new Pii(`<${e.address}>`, [e.address, e.core])),
      ipv4.map((ip) => new Pii(ip, [ip])),
      ipv4.map((ip) => new Pii(`[${ip}]`, [ip])),
      ipv6.map((ip) => new Pii(ip, [ip])),
      isoTimestamp.map((t) => new Pii(t, [], [t])),
      clock.map((t) => new Pii(t, [], [t])),
      plainText.map((t) => new Pii(t, [])),
    ),
    { minLength: 1, maxLength: 5 },
  )
  .map(
    (parts) =>
      new Pii(
        parts.map((p) => p.text).join(' '),
        parts.flatMap((p) => p.secrets),
        parts.flatMap((p) => p.keep),
      ),
  );

/** An address header: `"Name" <addr>`, `Name <addr>`, `addr (Name)` or a bare address, comma separated. */
const displayName = fc
  .tuple(
    fc.constantFrom(...Array.from('TtHh山𠮷')),
    fc.stringMatching(/^[a-z]{5,9}$/),
    fc.constantFrom('', ' Yamada', ' 太郎'),
  )
  .map(([first, core, rest]) => ({ name: `${first}${core}${rest}`, core }));
const mailbox = fc
  .tuple(displayName, email, fc.constantFrom('quoted', 'bare-name', 'comment', 'address'))
  .map(([n, e, form]) => {
    const secrets = [e.address, e.core];
    if (form === 'quoted') return new Pii(`"${n.name}" <${e.address}>`, [...secrets, n.core]);
    if (form === 'bare-name') return new Pii(`${n.name} <${e.address}>`, [...secrets, n.core]);
    if (form === 'comment') return new Pii(`${e.address} (${n.name})`, [...secrets, n.core]);
    return new Pii(e.address, secrets);
  });
const addressList = fc.array(mailbox, { minLength: 1, maxLength: 3 }).map(
  (ms) =>
    new Pii(
      ms.map((m) => m.text).join(', '),
      ms.flatMap((m) => m.secrets),
    ),
);

const scalar = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
  plainText,
  isoTimestamp,
);

type Node = Pii | string | number | boolean | null | Node[] | { [k: string]: Node };

const tree: fc.Arbitrary<Node> = fc.letrec<{ node: Node }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    freeText,
    addressList,
    fc.array(tie('node'), { maxLength: 4 }),
    fc.dictionary(plainText, tie('node'), { maxKeys: 4 }),
  ),
})).node;

/** The JSON value of a generated tree, with what must not survive / must survive. */
function materialize(node: Node, secrets: string[], keep: string[]): unknown {
  if (node instanceof Pii) {
    secrets.push(...node.secrets);
    keep.push(...node.keep);
    return node.text;
  }
  if (Array.isArray(node)) return node.map((n) => materialize(n, secrets, keep));
  if (node !== null && typeof node === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) {
      Object.defineProperty(out, k, {
        value: materialize(v, secrets, keep),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return node;
}

const document = fc
  .tuple(
    fc.dictionary(plainText, tree, { minKeys: 1, maxKeys: 6 }),
    fc.constantFrom('\n', '', '\r\n'),
    fc.boolean(),
  )
  .map(([root, eol, pretty]) => {
    const secrets: string[] = [];
    const keep: string[] = [];
    const value = JSON.parse(JSON.stringify(materialize(root, secrets, keep))) as unknown;
    const text = `${pretty ? JSON.stringify(value, null, 2) : JSON.stringify(value)}${eol}`;
    return { value, text, secrets, keep };
  });

/** Same JSON shape: same types, same array lengths, same keys in order, same non-string values. */
function expectSameShape(a: unknown, b: unknown): void {
  if (typeof a === 'string') {
    expect(typeof b).toBe('string');
  } else if (Array.isArray(a)) {
    expect(Array.isArray(b)).toBe(true);
    expect((b as unknown[]).length).toBe(a.length);
    for (const [i, v] of a.entries()) expectSameShape(v, (b as unknown[])[i]);
  } else if (a !== null && typeof a === 'object') {
    expect(b !== null && typeof b === 'object' && !Array.isArray(b)).toBe(true);
    const bo = b as Record<string, unknown>;
    expect(Object.keys(bo)).toEqual(Object.keys(a));
    for (const [k, v] of Object.entries(a)) expectSameShape(v, bo[k]);
  } else {
    expect(b).toBe(a);
  }
}

const notJson = fc.oneof(
  fc.constantFrom('', 'not json', '{"to":"taro@example.com"', "{'a':1}", '{"a":1}\n{"b":2}\n', 'NaN'),
  plainText.filter((t) => {
    try {
      JSON.parse(t);
      return false;
    } catch {
      return true;
    }
  }),
);

describe('firehose-masking properties', () => {
  it('one result per record, same recordIds in order, Ok with masked JSON or ProcessingFailed with the original', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            document,
            notJson.map((t) => ({ garbage: t })),
          ),
          { maxLength: 8 },
        ),
        (inputs) => {
          const records = inputs.map((input, i) => ({
            recordId: `record-${i}`,
            data: b64('garbage' in input ? input.garbage : input.text),
          }));
          const batch = maskRecords(records);
          expect(batch.records.map((r) => r.recordId)).toEqual(records.map((r) => r.recordId));
          expect(batch.failed).toBe(inputs.filter((i) => 'garbage' in i).length);
          for (const [i, input] of inputs.entries()) {
            const result = batch.records[i]!;
            if ('garbage' in input) {
              expect(result).toEqual({
                recordId: `record-${i}`,
                result: 'ProcessingFailed',
                data: records[i]!.data,
              });
              continue;
            }
            expect(result.result).toBe('Ok');
            const out = unb64(result.data);
            expectSameShape(input.value, JSON.parse(out));
            for (const secret of input.secrets) expect(out).not.toContain(secret);
            for (const kept of input.keep) expect(out).toContain(kept);
            expect(out.endsWith('\n')).toBe(input.text.endsWith('\n'));
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('masking is idempotent', () => {
    fc.assert(
      fc.property(document, ({ text }) => {
        const once = maskJsonText(text);
        expect(maskJsonText(once)).toBe(once);
      }),
      { numRuns: 300 },
    );
  });

  it('the raw-text fast path agrees with masking the parsed value', () => {
    fc.assert(
      fc.property(document, ({ text, value }) => {
        expect(JSON.parse(maskJsonText(text))).toEqual(maskValue(value));
      }),
      { numRuns: 300 },
    );
  });

  it('arbitrary strings (any code point, addresses glued to anything) stay valid, consistent and idempotent', () => {
    const anyText = fc
      .array(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 6 }),
          fc.string({ maxLength: 6 }),
          email.map((e) => new Pii(e.address, [e.address])),
          ipv4,
          ipv6,
          mailbox.map((m) => m.text),
        ),
        { maxLength: 6 },
      )
      .map((parts) => ({
        text: parts.map((p) => (p instanceof Pii ? p.text : p)).join(''),
        // an address glued to anything still goes: its local part and domain are maximal runs
        emails: parts.flatMap((p) => (p instanceof Pii ? p.secrets : [])),
      }));
    fc.assert(
      fc.property(fc.array(anyText, { maxLength: 4 }), (items) => {
        const texts = items.map((i) => i.text);
        const value = { texts, [texts[0] ?? 'k']: texts.length };
        const json = JSON.stringify(value);
        const masked = maskJsonText(json);
        expect(JSON.parse(masked)).toEqual(maskValue(value));
        expect(maskJsonText(masked)).toBe(masked);
        for (const t of texts) expect(maskString(maskString(t))).toBe(maskString(t));
        const decoded = JSON.stringify(JSON.parse(masked));
        for (const address of items.flatMap((i) => i.emails)) expect(decoded).not.toContain(address);
      }),
      { numRuns: 300 },
    );
  });
});
