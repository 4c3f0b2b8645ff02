/**
 * generate refuses a change of ses.identityStacks that would move SES identities to other stacks (delete and
 * re-create) unless --move-identities says so; adding a domain or changing nothing moves nothing.
 */
import { describe, expect, it } from 'vitest';
import type { EnvConfig } from '../../../generators/config/schema.js';
import { generateAll } from '../../../generators/generate.js';
import { UsageError } from '../../../lib/errors.js';
import { parseGenerateArgs } from '../../../scripts/generate/args.js';
import { identityMoves, refuseUnaskedMoves } from '../../../scripts/generate/identity-moves.js';
import { fakeBundles, loadEnv } from '../../support/templates.js';

const prod = loadEnv('prod');
const names = Array.from({ length: 12 }, (_, i) => `d${i}.example.jp`);

function files(domains: readonly string[], identityStacks: number) {
  const cfg: EnvConfig = {
    ...prod,
    ses: { ...prod.ses, identityStacks, domains: domains.map((name) => ({ ...prod.ses.domains[0]!, name })) },
  };
  return generateAll([cfg], fakeBundles()).files;
}

describe('identity moves between generates', () => {
  const one = files(names, 1);

  it('none when the stacks and domains stay, or a domain is added or removed', () => {
    expect(identityMoves(one, files(names, 1))).toEqual([]);
    const three = files(names, 3);
    expect(identityMoves(three, files([...names, 'new.example.jp'], 3))).toEqual([]);
    expect(identityMoves(three, files(names.slice(1), 3))).toEqual([]);
    expect(identityMoves([], three)).toEqual([]);
  });

  it('every identity whose shard changes when ses.identityStacks goes from 1 to 3, and the refusal says what to do', () => {
    const moves = identityMoves(one, files(names, 3));
    expect(moves.length).toBeGreaterThan(0);
    expect(moves.length).toBeLessThan(names.length);
    for (const m of moves) {
      expect(m).toMatchObject({ env: 'prod', from: 'ses' });
      expect(m.to).toMatch(/^ses-identities-[12]$/);
    }
    expect(() => refuseUnaskedMoves(moves, false)).toThrow(UsageError);
    expect(() => refuseUnaskedMoves(moves, false)).toThrow(
      new RegExp(
        `^ses\\.identityStacks changed for prod: ${moves.length} SES identities would move to another stack ` +
          `\\(e\\.g\\. ${moves[0]!.domain.replace(/\./g, '\\.')}: ses -> ${moves[0]!.to}\\); .*--move-identities$`,
      ),
    );
    expect(() => refuseUnaskedMoves(moves, true)).not.toThrow();
    expect(() => refuseUnaskedMoves([], false)).not.toThrow();
  });

  it('--move-identities is an argument of generate', () => {
    expect(parseGenerateArgs(['--move-identities']).moveIdentities).toBe(true);
    expect(parseGenerateArgs([]).moveIdentities).toBe(false);
  });
});
