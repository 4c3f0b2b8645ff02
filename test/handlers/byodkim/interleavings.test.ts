/**
 * Property test (fast-check) over random interleavings of ticks, operator actions, DNS answers, resolver
 * caching and SES statuses, with single failures injected at random calls (issue #17). The DNS team does
 * what the notices ask, but late, sometimes first with a wrong form (v=DKIM2, v= not first, k=ed25519,
 * h=sha1, s=tlsrpt), removing by deleting or by revoking (`v=DKIM1; p=`), never before the time a removal
 * notice names; a caching resolver may keep answering an old snapshot of the zone for a while.
 * After every call: I1 (SES signs only with a key published at its selector) and I2 (nothing deletes or asks
 * to remove the record SES signs with). At the end, after a calm period (extended when a new rotation comes due
 * in it, so that one too gets its full deadline): the rotation is over (IDLE, SES on
 * the state's current key, or FAILED with SES on a published key) and no plaintext key leaked (I3).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEADLINE_HOURS, DOMAIN, FAILURE_KINDS, type Mode, removalsIn, Sim } from './harness/sim.js';
import { assertNoPlaintext } from './support.js';

const BAD_FORMS = [
  (p: string) => `v=DKIM2; k=rsa; p=${p}`,
  (p: string) => `k=rsa; v=DKIM1; p=${p}`,
  (p: string) => `v=DKIM1; k=ed25519; p=${p}`,
  (p: string) => `v=DKIM1; k=rsa; h=sha1; p=${p}`,
  (p: string) => `v=DKIM1; k=rsa; s=tlsrpt; p=${p}`,
];

type Action =
  | { t: 'tick'; hours: number }
  | { t: 'rotate' | 'abort' | 'rollback' }
  | { t: 'ses'; status: 'PENDING' | 'SUCCESS' | 'FAILED' | 'TEMPORARY_FAILURE' }
  | { t: 'publish'; bad: number | null }
  | { t: 'remove'; revoke: boolean }
  | { t: 'cache'; lookups: number }
  | { t: 'fail'; kind: (typeof FAILURE_KINDS)[number]; nth: number };

const action: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({ t: fc.constant('tick' as const), hours: fc.integer({ min: 1, max: 30 }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ t: fc.constantFrom('rotate' as const, 'abort' as const, 'rollback' as const) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant('ses' as const),
      status: fc.constantFrom(
        'PENDING' as const,
        'SUCCESS' as const,
        'FAILED' as const,
        'TEMPORARY_FAILURE' as const,
      ),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant('publish' as const),
      bad: fc.option(fc.integer({ min: 0, max: BAD_FORMS.length - 1 }), { freq: 3 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('remove' as const), revoke: fc.boolean() }) },
  {
    weight: 1,
    arbitrary: fc.record({ t: fc.constant('cache' as const), lookups: fc.integer({ min: 1, max: 6 }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant('fail' as const),
      kind: fc.constantFrom(...FAILURE_KINDS),
      nth: fc.integer({ min: 1, max: 25 }),
    }),
  },
);

/** The DNS team: requests from the notices, carried out when the schedule says so. */
class Team {
  private seen = 0;
  readonly toPublish = new Map<string, string[]>();
  readonly toRemove = new Map<string, number>();
  constructor(private readonly sim: Sim) {}
  read() {
    for (const n of this.sim.rec.notifications.slice(this.seen)) {
      if (n.kind === 'dns-request') {
        const name = n.body.match(/レコード名: (\S+)/)?.[1];
        const strings = [...(n.body.split('ゾーンファイル形式')[0] ?? '').matchAll(/^ {4}"(.*)"$/gm)].map(
          (m) => m[1]!,
        );
        if (name) this.toPublish.set(name, strings);
      }
      const r = removalsIn(n);
      for (const s of r.cancel) this.toRemove.delete(s);
      for (const s of r.remove) this.toRemove.set(s, r.notBefore?.getTime() ?? 0);
    }
    this.seen = this.sim.rec.notifications.length;
  }
  publish(bad: number | null) {
    for (const [name, strings] of this.toPublish) {
      if (bad === null) {
        this.sim.zone.publish(name, strings);
        this.toPublish.delete(name);
      } else {
        const p = strings.join('').split('p=')[1] ?? '';
        this.sim.zone.publish(name, [BAD_FORMS[bad]!(p)]);
      }
    }
  }
  remove(revoke: boolean) {
    const now = this.sim.clock.now().getTime();
    for (const [sel, notBefore] of this.toRemove) {
      if (notBefore > now) continue;
      const name = `${sel}._domainkey.${DOMAIN}`;
      if (revoke) this.sim.zone.publish(name, ['v=DKIM1; p=']);
      else this.sim.zone.records.delete(name);
      this.toRemove.delete(sel);
    }
  }
}

async function play(mode: Mode, actions: readonly Action[]) {
  const sim = new Sim(mode, { name: 'random', sesAfterSwitch: 'PENDING' });
  await sim.setup();
  const team = new Team(sim);
  let cache: { snapshot: Map<string, string[][]>; left: number } | undefined;
  sim.zone.view = (name, zone) => {
    if (!cache || cache.left <= 0) return zone;
    cache.left--;
    return cache.snapshot.get(name) ?? [];
  };
  const quietly = async (f: () => Promise<unknown>) => {
    try {
      await f();
    } catch {
      // failures are the engine's and the harness's business; the invariants are checked on every call
    }
    sim.inj.killed = false;
  };
  for (const a of actions) {
    team.read();
    switch (a.t) {
      case 'tick':
        sim.clock.advanceHours(a.hours);
        await quietly(() => sim.engine().tick());
        break;
      case 'rotate':
        await quietly(() => sim.engine().rotate(DOMAIN, true));
        break;
      case 'abort':
        await quietly(() => sim.engine().abort(DOMAIN));
        break;
      case 'rollback':
        await quietly(() => sim.engine().rollback(DOMAIN));
        break;
      case 'ses': {
        const i = sim.ses.identities.get(DOMAIN);
        if (i) i.status = a.status;
        break;
      }
      case 'publish':
        team.publish(a.bad);
        break;
      case 'remove':
        team.remove(a.revoke);
        break;
      case 'cache':
        cache = {
          snapshot: new Map([...sim.zone.records].map(([k, v]) => [k, v.map((x) => [...x])])),
          left: a.lookups,
        };
        break;
      case 'fail':
        sim.inj.at = sim.inj.count + a.nth;
        sim.inj.kind = a.kind;
        break;
    }
    sim.checkSigning(`after ${a.t}`);
  }
  // Calm period: no failures, no caching, SES verifies a published key, the team does what it is asked.
  sim.inj.at = 0;
  cache = undefined;
  // A rotation that comes due during the calm period (the next scheduled one, or a retry) is legitimate:
  // the calm period then lasts until that rotation, too, has had its full deadline (bounded).
  const calm = DEADLINE_HOURS + 24;
  let lastStart = -1;
  for (let h = 0; h < calm || (h - lastStart < calm && h < 3 * calm); h++) {
    const before = sim.rec.notifications.length;
    team.read();
    team.publish(null);
    team.remove(h % 2 === 0);
    const i = sim.ses.identities.get(DOMAIN);
    if (i && i.status !== 'SUCCESS') i.status = 'SUCCESS';
    sim.clock.advanceHours(1);
    await quietly(() => sim.engine().tick());
    sim.checkSigning('calm period');
    if (sim.rec.notifications.slice(before).some((n) => n.kind === 'rotation-started')) lastStart = h;
  }
  const s = sim.store.states.get(DOMAIN)!;
  const i = sim.ses.identities.get(DOMAIN)!;
  const end: string[] = [];
  if (s.stage !== 'IDLE' && s.stage !== 'FAILED') end.push(`I4: stage ${s.stage} after the calm period`);
  if (s.stage === 'IDLE' && i.selector !== s.current?.selector)
    end.push(`SES on ${i.selector}, state on ${s.current?.selector}`);
  try {
    assertNoPlaintext(
      [
        ...sim.written,
        JSON.stringify(sim.rec.notifications),
        JSON.stringify(sim.rec.points),
        ...sim.rec.logs,
      ].join('\n'),
      sim.vault.plaintexts,
    );
  } catch (err) {
    end.push(`I3: ${(err as Error).message}`);
  }
  return [...sim.violations, ...end];
}

const PROPERTY_RUNS = 300;

describe('random interleavings', () => {
  it.each(['manual', 'route53'] as const)(
    `%s mode: invariants hold (${PROPERTY_RUNS} runs of up to 40 actions)`,
    async (mode) => {
      await fc.assert(
        fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 40 }), async (actions) => {
          expect(await play(mode, actions)).toEqual([]);
        }),
        { numRuns: PROPERTY_RUNS },
      );
    },
    120_000,
  );
});
