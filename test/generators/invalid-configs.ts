/**
 * Random invalid environment files for property tests: the shipped prod.yaml with one mistake an operator
 * could make (a value out of range or of the wrong kind, an unknown key, a missing key, tiers in the wrong
 * order, an incoherent lifecycle, a bad or allow-all CIDR, a domain listed twice), and the key paths a message
 * must name.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { parseDocument } from 'yaml';

export const PROD_TEXT = readFileSync('test/fixtures/environments/prod.yaml', 'utf8');

export interface InvalidConfig {
  readonly kind: string;
  readonly text: string;
  /** A message must name one of these key paths. */
  readonly paths: readonly string[];
}

type Key = string | number;

function withDoc(edit: (doc: ReturnType<typeof parseDocument>) => void): string {
  const doc = parseDocument(PROD_TEXT);
  edit(doc);
  return String(doc);
}

const render = (path: readonly Key[]) =>
  path.reduce<string>((acc, k) => (typeof k === 'number' ? `${acc}[${k}]` : acc ? `${acc}.${k}` : k), '');

const FAMILIES = ['bounceRate', 'complaintRate', 'sendSuccessRate', 'applicationErrors'] as const;
const SEV = ['P1', 'P2', 'P3'] as const;

const NUMBER_PATHS: readonly (readonly Key[])[] = [
  ...FAMILIES.flatMap((f) =>
    SEV.flatMap((s) => [
      ['alarms', f, s, 'threshold'] as Key[],
      ['alarms', f, s, 'evaluationPeriods'] as Key[],
    ]),
  ),
  ['alarms', 'minimumSendVolume'],
  ['alarms', 'deliveryLatencyP90Ms'],
  ['alarms', 'firehoseFreshnessSeconds'],
  ['logs', 'retentionInDays'],
  ['archive', 'expirationDays'],
  ['notifications', 'escalation', 'p1RenotifyMinutes'],
  ['ses', 'domains', 0, 'rotationIntervalDays'],
  ['lambda', 'reservedConcurrency'],
];
// wrong for every number field above: out of every range, or not a number
const BAD_NUMBERS: readonly unknown[] = [-5, 1e12, 'ten', true, [1], { a: 1 }, '', Number.NaN];

const STRING_FIELDS: readonly { path: readonly Key[]; bad: readonly unknown[] }[] = [
  { path: ['projectCode'], bad: ['Bad Code', '', 'x', 'ses_migration', 42] },
  { path: ['environment'], bad: ['Prod', 'a_b', '-x', 'x-', '', 7, null] },
  { path: ['region'], bad: ['us-east-1', 'tokyo', 1] },
  { path: ['ses', 'domains', 0, 'name'], bad: ['Goo.ne.jp', 'localhost', 'a..b.jp', 'goo.ne.jp.', 3] },
  { path: ['notifications', 'P1', 0], bad: ['no-at-sign', '@goo.ne.jp', 'a b@goo.ne.jp', 5] },
  {
    path: ['security', 'allowedSendingCidrs', 0],
    bad: [
      '2001:db8:::::/64',
      ':::/1',
      '0.0.0.0/0',
      '::/0',
      '1.2.3.4/40',
      '300.1.1.1/8',
      '203.0.113.5/24',
      'any',
      '127.1/8',
    ],
  },
  { path: ['security', 'allowedVpcEndpointIds'], bad: [['vpc-1'], 'vpce-0123456789abcdef0'] },
  { path: ['ci', 'githubRepository'], bad: ['no slash', 'a/b/c', 12] },
  { path: ['ses', 'domains', 0, 'hostedZoneId'], bad: ['zone', 'z123', 'Z'] },
];

const BOOLEAN_PATHS: readonly (readonly Key[])[] = [
  ['retainData'],
  ['security', 'auditArchiveReads'],
  ['ci', 'createOidcProvider'],
];
const BAD_BOOLEANS: readonly unknown[] = ['yes please', 1, 'on ', [true]];

const MAPPING_PATHS: readonly (readonly Key[])[] = [
  [],
  ['alarms'],
  ['alarms', 'bounceRate'],
  ['alarms', 'complaintRate', 'P2'],
  ['notifications'],
  ['notifications', 'escalation'],
  ['security'],
  ['ses'],
  ['ses', 'domains', 0],
  ['logs'],
  ['ci'],
];

const REQUIRED: readonly (readonly Key[])[] = [
  ['environment'],
  ['ses'],
  ['notifications', 'P1'],
  ['ses', 'domains', 0, 'name'],
];

export const invalidConfig: fc.Arbitrary<InvalidConfig> = fc.oneof(
  fc.tuple(fc.constantFrom(...NUMBER_PATHS), fc.constantFrom(...BAD_NUMBERS)).map(([path, bad]) => ({
    kind: 'number',
    text: withDoc((d) => d.setIn(path, bad)),
    paths: [render(path)],
  })),
  fc
    .constantFrom(...STRING_FIELDS)
    .chain((f) => fc.tuple(fc.constant(f.path), fc.constantFrom(...f.bad)))
    .map(([path, bad]) => ({
      kind: 'string',
      text: withDoc((d) => d.setIn(path, bad)),
      paths: [render(path), ...(Array.isArray(bad) ? [render([...path, 0])] : [])],
    })),
  fc.tuple(fc.constantFrom(...BOOLEAN_PATHS), fc.constantFrom(...BAD_BOOLEANS)).map(([path, bad]) => ({
    kind: 'boolean',
    text: withDoc((d) => d.setIn(path, bad)),
    paths: [render(path)],
  })),
  fc
    .tuple(
      fc.constantFrom(...MAPPING_PATHS),
      // no key of the schema starts with "zz" (typos are covered by the unit tests)
      fc.stringMatching(/^zz[A-Za-z0-9]{1,10}$/),
      fc.oneof(fc.integer(), fc.string({ maxLength: 8 }), fc.boolean()),
    )
    .map(([path, key, value]) => ({
      kind: 'unknown key',
      text: withDoc((d) => d.setIn([...path, key], value)),
      paths: [render([...path, key])],
    })),
  fc.constantFrom(...REQUIRED).map((path) => ({
    kind: 'missing',
    text: withDoc((d) => d.deleteIn(path)),
    paths: [render(path)],
  })),
  fc
    .tuple(
      fc.constantFrom(...FAMILIES),
      fc.constantFrom(0, 1),
      fc.double({ min: 0.02, max: 0.98, noNaN: true }),
    )
    .map(([family, i, f]) => {
      const [hi, lo] = [SEV[i]!, SEV[i + 1]!];
      const doc = parseDocument(PROD_TEXT);
      const b = doc.getIn(['alarms', family, lo, 'threshold']) as number;
      // put the higher severity on the wrong side of the lower one, strictly
      const descending = family !== 'sendSuccessRate';
      const wrong = descending
        ? Number((b * (1 - f)).toFixed(4))
        : Number((b + (100 - b) * Math.max(f, 0.05)).toFixed(4));
      const value = wrong === b ? (descending ? b / 2 : (b + 100) / 2) : wrong;
      return {
        kind: 'tier order',
        text: withDoc((d) => d.setIn(['alarms', family, hi, 'threshold'], value)),
        paths: [render(['alarms', family, hi, 'threshold'])],
      };
    })
    .filter((c) => !c.text.includes('threshold: 0\n')),
  fc
    .tuple(fc.integer({ min: 30, max: 3650 }), fc.integer({ min: 1, max: 3650 }))
    .filter(([t, e]) => e <= t)
    .map(([t, e]) => ({
      kind: 'lifecycle',
      text: withDoc((d) => {
        d.setIn(['archive', 'transitionToGlacierDays'], t);
        d.setIn(['archive', 'expirationDays'], e);
      }),
      paths: ['archive.transitionToGlacierDays'],
    })),
  fc.constant({
    kind: 'duplicate domain',
    text: withDoc((d) => d.addIn(['ses', 'domains'], { name: 'goo.ne.jp' })),
    paths: ['ses.domains[1].name'],
  }),
);

/** Phrases of schema libraries that must never reach an operator. */
export const UNPLAIN =
  /a object|to be <=|to be >=|is missing; is not allowed|Invalid input|expected \w+, received|Too (small|big)|Unrecognized key|\[object Object\]|undefined/;
