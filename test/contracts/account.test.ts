import { describe, expect, it } from 'vitest';
import { AccountMismatchError, assertAccount } from '../../contracts/account.js';

describe('assertAccount', () => {
  it('passes when the credentials belong to the pinned account', async () => {
    await expect(assertAccount('prod', '123456789012', async () => '123456789012')).resolves.toBeUndefined();
  });

  it('names both accounts when they differ', async () => {
    const run = assertAccount('prod', '123456789012', async () => '210987654321');
    await expect(run).rejects.toThrow(AccountMismatchError);
    await expect(assertAccount('prod', '123456789012', async () => '210987654321')).rejects.toThrow(
      'prod is pinned to account 123456789012, but the credentials belong to account 210987654321',
    );
  });

  it('refuses when the caller account is unknown', async () => {
    await expect(assertAccount('dev', '123456789012', async () => undefined)).rejects.toThrow(
      'belong to account (unknown)',
    );
  });

  it('rejects a malformed pinned id before calling AWS', async () => {
    let called = false;
    const run = assertAccount('dev', '12345', async () => {
      called = true;
      return '12345';
    });
    await expect(run).rejects.toThrow('dev: accountId is "12345"; allowed: a 12-digit AWS account id');
    expect(called).toBe(false);
  });
});
