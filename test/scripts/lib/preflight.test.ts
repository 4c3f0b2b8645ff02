/**
 * The operations commands as a new user meets them: wrong environment, no credentials, an output path that
 * cannot be written, every section unreadable. All with client mocks and fake callers: nothing reaches AWS.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { GetEmailIdentityCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it, vi } from 'vitest';
import { deployMain } from '../../../scripts/deploy/cli.js';
import { driftMain } from '../../../scripts/drift/cli.js';
import {
  credentialsAdvice,
  debugFlag,
  internalErrorText,
  knownEnvironments,
  prepareOutDir,
  requireEnvironment,
} from '../../../scripts/lib/preflight.js';
import { renderStatus, statusMain } from '../../../scripts/status/cli.js';

const ENVS = 'test/fixtures/environments';
const SCEPTRE = 'test/fixtures/sceptre';
const noCredentials = () =>
  Object.assign(new Error('Could not load credentials from any providers'), {
    name: 'CredentialsProviderError',
  });

function io() {
  const out: string[] = [];
  const err: string[] = [];
  const commands: string[] = [];
  let stsCalls = 0;
  return {
    out,
    err,
    commands,
    get stsCalls() {
      return stsCalls;
    },
    base: {
      stdout: (t: string) => out.push(t),
      stderr: (t: string) => err.push(t),
      now: () => 1_700_000_000_000,
      sleep: async () => {},
      run: async (command: string, args: readonly string[]) => {
        commands.push([command, ...args].join(' '));
        return 0;
      },
      cloudformation: () => new CloudFormationClient({ region: 'ap-northeast-1' }),
      callerAccount: async (): Promise<string | undefined> => {
        stsCalls++;
        throw noCredentials();
      },
    },
  };
}

describe('deploy checks cheap things first', () => {
  it('an unknown environment is refused before generate and lint, naming the known ones', async () => {
    const h = io();
    expect(
      await deployMain(
        ['staging', '--dry-run', '--environments-dir', ENVS, '--sceptre-dir', SCEPTRE],
        h.base,
      ),
    ).toBe(2);
    expect(h.err.join('')).toBe(
      `deploy: unknown environment 'staging': there is no ${ENVS}/staging.yaml; known: ${knownEnvironments(ENVS).join(', ')} (to add one, create ${ENVS}/staging.yaml and run npm run generate)\n`,
    );
    expect(knownEnvironments(ENVS)).toEqual(expect.arrayContaining(['dev', 'prod']));
    expect(h.commands).toEqual([]);
    expect(h.stsCalls).toBe(0);
  });

  it('missing credentials are one line saying what to do, before generate and lint', async () => {
    const h = io();
    expect(
      await deployMain(['dev', '--dry-run', '--environments-dir', ENVS, '--sceptre-dir', SCEPTRE], h.base),
    ).toBe(1);
    expect(h.err).toHaveLength(1);
    expect(h.err[0]).toMatch(
      /^deploy: no AWS credentials found: set AWS_PROFILE .* then run again \(refusing to act on dev, account \d{12}\)\n$/,
    );
    expect(h.commands).toEqual([]);
    expect(h.out.join('')).not.toContain('No stack would be created');
  });

  it('a caller that never answers times out instead of hanging', async () => {
    vi.useFakeTimers();
    try {
      const h = io();
      const never = { ...h.base, callerAccount: () => new Promise<string | undefined>(() => {}) };
      const run = deployMain(
        ['dev', '--dry-run', '--environments-dir', ENVS, '--sceptre-dir', SCEPTRE],
        never,
      );
      await vi.advanceTimersByTimeAsync(20_000);
      expect(await run).toBe(1);
      expect(h.err.join('')).toContain('sts:GetCallerIdentity timed out after 20 s');
      expect(h.commands).toEqual([]);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('drift checks its output directory before any work', () => {
  it.each([
    [
      'README.md',
      'drift: --out-dir README.md: is a file, not a directory; give a directory for the reports (e.g. reports)\n',
    ],
    [
      '/proc/nope',
      'drift: --out-dir /proc/nope: cannot write reports there (ENOENT); give a writable directory\n',
    ],
    ['README.md/sub', 'drift: --out-dir README.md/sub: '],
  ])('--out-dir %s', async (dir, message) => {
    const h = io();
    expect(
      await driftMain(
        ['dev', '--out-dir', dir, '--sceptre-dir', SCEPTRE, '--environments-dir', ENVS],
        h.base,
      ),
    ).toBe(2);
    expect(h.err.join('')).toContain(message);
    expect(h.err).toHaveLength(1);
    expect(h.stsCalls).toBe(0);
  });

  it('creates a missing directory level by level', () => {
    const root = mkdtempSync(join(tmpdir(), 'outdir-'));
    expect(prepareOutDir(join(root, 'a', 'b'))).toBe(join(root, 'a', 'b'));
    writeFileSync(join(root, 'file'), '');
    expect(() => prepareOutDir(join(root, 'file', 'x'))).toThrow(
      `${join(root, 'file')} is a file, not a directory`,
    );
  });

  it('missing credentials: one line, no report written', async () => {
    const h = io();
    const out = mkdtempSync(join(tmpdir(), 'drift-out-'));
    expect(
      await driftMain(
        ['dev', '--out-dir', out, '--sceptre-dir', SCEPTRE, '--environments-dir', ENVS],
        h.base,
      ),
    ).toBe(2);
    expect(h.err).toHaveLength(1);
    expect(h.err[0]).toContain('drift: no AWS credentials found');
  });
});

describe('status', () => {
  const clients = () => {
    const denied = Object.assign(new Error('User is not authorized to perform this action'), {
      name: 'AccessDeniedException',
    });
    const all = {
      cloudwatch: new CloudWatchClient({ region: 'ap-northeast-1' }),
      sesv2: new SESv2Client({ region: 'ap-northeast-1' }),
      cloudformation: new CloudFormationClient({ region: 'ap-northeast-1' }),
      kms: new KMSClient({ region: 'ap-northeast-1' }),
      logs: new CloudWatchLogsClient({ region: 'ap-northeast-1' }),
      scheduler: new SchedulerClient({ region: 'ap-northeast-1' }),
      dynamodb: new DynamoDBClient({ region: 'ap-northeast-1' }),
    };
    for (const c of Object.values(all))
      mockClient(c as unknown as CloudWatchClient)
        .onAnyCommand()
        .rejects(denied);
    return all;
  };

  it('exits 3, not 0, when sections could not be read and nothing read needs attention', async () => {
    const h = io();
    const code = await statusMain(['dev', '--environments-dir', ENVS, '--sceptre-dir', SCEPTRE], {
      ...h.base,
      callerAccount: async () => '123456789012',
      clients: () => {
        const all = clients();
        mockClient(all.sesv2)
          .onAnyCommand()
          .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }))
          .on(GetEmailIdentityCommand)
          .resolves({
            DkimAttributes: { Status: 'SUCCESS', SigningEnabled: true, SigningAttributesOrigin: 'EXTERNAL' },
          });
        return all;
      },
    });
    const text = h.out.join('');
    expect(h.err.join('')).toBe('');
    expect(text).not.toContain('NEEDS ATTENTION');
    expect(text).toMatch(/\nCould not read: Alarms in ALARM; /);
    expect(code, text).toBe(3);
  });

  it('exits 1 when every section fails (DKIM not readable needs attention)', async () => {
    const h = io();
    const code = await statusMain(['dev', '--environments-dir', ENVS, '--sceptre-dir', SCEPTRE], {
      ...h.base,
      callerAccount: async () => '123456789012',
      clients,
    });
    expect(code).toBe(1);
    expect(
      h.out
        .join('')
        .split('\n')
        .filter((l) => l.endsWith('[NOT READ]')).length,
    ).toBeGreaterThan(4);
  });

  it('says one error once, however many sections it stopped', () => {
    const same = ['could not reach monitoring.ap-northeast-1.amazonaws.com (ECONNREFUSED)'];
    const text = renderStatus('header', [
      { title: 'A', state: 'unavailable', lines: same },
      { title: 'B', state: 'unavailable', lines: same },
      { title: 'C', state: 'ok', lines: ['fine'] },
    ]);
    expect(text.split(same[0]!).length - 1).toBe(1);
    expect(text).toContain('== B [NOT READ]\n   (the same error as A)\n');
  });

  it('without credentials, one line, not one per section', async () => {
    const h = io();
    const code = await statusMain(['dev', '--environments-dir', ENVS, '--sceptre-dir', SCEPTRE], {
      ...h.base,
      clients,
    });
    expect(code).toBe(2);
    expect(h.err).toHaveLength(1);
    expect(h.out).toEqual([]);
  });
});

describe('helpers', () => {
  it('requireEnvironment finds .yaml and .yml', () => {
    const dir = mkdtempSync(join(tmpdir(), 'envs-'));
    writeFileSync(join(dir, 'qa.yml'), 'environment: qa\n');
    writeFileSync(join(dir, '.#qa.yaml'), '');
    expect(requireEnvironment('qa', dir)).toBe(join(dir, 'qa.yml'));
    expect(() => requireEnvironment('prod', dir)).toThrow(`known: qa (to add one`);
  });

  it('credentialsAdvice says what to do', () => {
    expect(credentialsAdvice(noCredentials())).toMatch(/^no AWS credentials found: set AWS_PROFILE/);
    expect(
      credentialsAdvice(
        Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }),
      ),
    ).toBe(
      'cannot reach AWS (connect ECONNREFUSED 127.0.0.1:9): check the network, AWS_REGION and AWS_ENDPOINT_URL',
    );
    expect(credentialsAdvice(new Error('ValidationError: bad'))).toBeUndefined();
  });

  it('internal errors are one line unless --debug', () => {
    const { debug, args } = debugFlag(['dev', '--debug', '--dry-run']);
    expect([debug, args]).toEqual([true, ['dev', '--dry-run']]);
    const e = new TypeError('x is undefined\nmore');
    expect(internalErrorText('drift', e, false)).toBe(
      'drift: internal error: TypeError: x is undefined (run again with --debug for the stack trace)',
    );
    expect(internalErrorText('drift', e, true)).toContain('\n    at ');
  });
});
