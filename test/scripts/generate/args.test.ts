import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../lib/errors.js';
import { parseGenerateArgs, removals } from '../../../scripts/generate/args.js';

describe('generate --remove-environment', () => {
  const configured = new Set(['prod', 'dev']);

  it('removes a generated environment that has no environment file', () => {
    expect(removals(new Set(['staging']), configured, ['dev', 'prod', 'staging'])).toEqual(['staging']);
    expect(removals(new Set(), configured, ['dev', 'prod', 'staging'])).toEqual([]);
  });

  it('refuses an environment without generated files, naming it and listing those that exist', () => {
    expect(() => removals(new Set(['nosuch']), configured, ['dev', 'prod', 'staging'])).toThrow(
      new UsageError(
        "--remove-environment nosuch: sceptre/ holds no generated files of an environment 'nosuch'; " +
          'generated: dev, prod, staging (without an environment file: staging)',
      ),
    );
    expect(() => removals(new Set(['nosuch']), configured, ['dev', 'prod'])).toThrow(
      /generated: dev, prod \(each still has its environment file: nothing to remove\)$/,
    );
  });

  it('refuses an environment that still has its file (its files would be generated again)', () => {
    expect(() => removals(new Set(['dev']), configured, ['dev', 'prod'])).toThrow(
      /^--remove-environment dev: environments\/dev\.yaml still exists/,
    );
  });

  it('parses the flag in both spellings and refuses anything else', () => {
    expect([...parseGenerateArgs(['--remove-environment', 'a', '--remove-environment=b']).remove]).toEqual([
      'a',
      'b',
    ]);
    expect(() => parseGenerateArgs(['--remove-environment'])).toThrow(UsageError);
  });
});
