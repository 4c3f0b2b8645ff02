/** `npm run bench` arguments: which sections run, and the refusal of an unknown one (bench/sections.ts). */
import { describe, expect, it } from 'vitest';
import { BENCH_USAGE, SECTIONS, selectSections } from '../../bench/sections.js';
import { helpRequested } from '../../scripts/lib/args.js';

describe('bench sections', () => {
  it('runs every section, in order, when none is named', () => {
    expect(selectSections([])).toEqual(SECTIONS.map(([n]) => n));
    expect(selectSections([])).toEqual([
      'masking',
      'handlers',
      'drift',
      'alarms',
      'scale',
      'metrics',
      'byodkim',
      'byodkim-tick',
    ]);
  });

  it("runs only the named sections, in the bench's order whatever the order given", () => {
    expect(selectSections(['metrics', 'scale'])).toEqual(['scale', 'metrics']);
    expect(selectSections(['byodkim-tick'])).toEqual(['byodkim-tick']);
  });

  it('refuses an unknown section, naming it and listing the known ones', () => {
    expect(() => selectSections(['scale', 'sclae'])).toThrow(
      "unknown bench section 'sclae'; allowed: masking, handlers, drift, alarms, scale, metrics, byodkim, byodkim-tick",
    );
  });

  it('refuses an unknown flag', () => {
    expect(() => selectSections(['--fast'])).toThrow(/Unknown option '--fast'/);
  });

  it('--help is answered before any section is chosen; the usage lists every section', () => {
    expect(helpRequested(['--help'])).toBe(true);
    for (const [name] of SECTIONS) expect(BENCH_USAGE).toMatch(new RegExp(`^  ${name} `, 'm'));
  });
});
