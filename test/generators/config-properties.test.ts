/**
 * Property: every randomly broken environment file is refused, and every line says, in plain English, the file,
 * the line of the offending key, the key path, the value (or that it is missing) and what is allowed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseEnvConfig, problemLine } from '../../generators/config/load.js';
import { invalidConfig, PROD_TEXT, UNPLAIN } from './invalid-configs.js';

const LINE =
  /^environments\/prod\.yaml(?::(\d+))?: (\S+) (is .+|is missing: add it; it .+|is not a known key: .+)$/;

describe('environment config properties', () => {
  it('the generator of broken files starts from a valid one', () => {
    expect(parseEnvConfig('environments/prod.yaml', PROD_TEXT).environment).toBe('production');
  });

  it('refuses every randomly broken file with one plain line per problem, naming file, line, key and value', () => {
    const kinds = new Map<string, number>();
    fc.assert(
      fc.property(invalidConfig, (c) => {
        kinds.set(c.kind, (kinds.get(c.kind) ?? 0) + 1);
        let error: unknown;
        try {
          parseEnvConfig('environments/prod.yaml', c.text);
        } catch (e) {
          error = e;
        }
        expect(error, `${c.kind}: accepted\n${c.text}`).toBeInstanceOf(ConfigError);
        const problems = (error as ConfigError).problems;
        const fileLines = c.text.split('\n').length;
        for (const p of problems) {
          const line = problemLine(p);
          expect(line).toMatch(LINE);
          expect(line).not.toMatch(UNPLAIN);
          // only a missing top-level key has no line to point at
          if (p.value === undefined && !p.path.includes('.')) continue;
          expect(p.line).toBeGreaterThan(0);
          expect(p.line).toBeLessThanOrEqual(fileLines);
          // the line shows the key (or, for an item of a list, the item) it reports
          const last = p.path
            .replace(/\[\d+\]$/, '')
            .split('.')
            .pop()!;
          const shown = c.text.split('\n')[p.line! - 1]!;
          if (p.value !== undefined && !/\[\d+\]$/.test(p.path)) expect(shown).toContain(`${last}:`);
          expect(p.allowed.length).toBeGreaterThan(10);
        }
        expect(problems.map((p) => p.path)).toEqual(expect.arrayContaining([expect.toBeOneOf([...c.paths])]));
      }),
      { numRuns: 250 },
    );
    // every kind of mistake was tried
    expect([...kinds.keys()].sort()).toEqual(
      [
        'boolean',
        'duplicate domain',
        'lifecycle',
        'missing',
        'number',
        'string',
        'tier order',
        'unknown key',
      ].sort(),
    );
  });
});
