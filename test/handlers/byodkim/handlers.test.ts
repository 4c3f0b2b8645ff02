import { readFileSync } from 'node:fs';
import { DeleteItemCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeKeyCommand,
  GenerateDataKeyPairWithoutPlaintextCommand,
  KMSClient,
} from '@aws-sdk/client-kms';
import { GetEmailIdentityCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { dkimTxtRecord } from '../../../handlers/byodkim/core/dkim.js';
import { initialState } from '../../../handlers/byodkim/core/types.js';
import { realKeyPair } from './support.js';

// No traffic leaves the machine: node:dns is replaced; each test sets what it answers.
const dnsAnswers = new Map<string, string[][]>();
vi.mock('node:dns/promises', () => ({
  resolveTxt: vi.fn(async (name: string) => {
    const a = dnsAnswers.get(name);
    if (!a) throw Object.assign(new Error(`queryTxt ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
    return a;
  }),
}));

const fixture = (name: string) =>
  JSON.parse(readFileSync(`test/fixtures/byodkim/${name}`, 'utf8')) as unknown;

const kms = mockClient(KMSClient);
const ses = mockClient(SESv2Client);
const sns = mockClient(SNSClient);
const ddb = mockClient(DynamoDBClient);

const ENV = {
  ENVIRONMENT: 'production',
  PROJECT_CODE: 'ses-migration',
  DOMAINS_JSON: '[{"domain":"goo.ne.jp"}]',
  STATE_TABLE: 'ses-migration-production-byodkim-state',
  KMS_KEY_ID: 'alias/ses-migration-production-byodkim',
  METRICS_NAMESPACE: 'ses-migration/production/BYODKIM',
  TOPIC_P1_ARN: 'arn:aws:sns:ap-northeast-1:123456789012:p1',
  TOPIC_P2_ARN: 'arn:aws:sns:ap-northeast-1:123456789012:p2',
  TOPIC_P3_ARN: 'arn:aws:sns:ap-northeast-1:123456789012:p3',
  POWERTOOLS_LOG_LEVEL: 'ERROR',
};

let out: string[] = [];
beforeEach(() => {
  vi.resetModules();
  for (const [k, v] of Object.entries(ENV)) vi.stubEnv(k, v);
  kms.reset();
  ses.reset();
  sns.reset();
  ddb.reset();
  dnsAnswers.clear();
  out = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => {
    out.push(String(c));
    return true;
  });
});
afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

/** A DynamoDB mock with the conditional semantics the store relies on. */
function dynamoTable() {
  const items = new Map<string, Record<string, { S?: string; N?: string }>>();
  ddb.on(GetItemCommand).callsFake((i) => ({ Item: items.get(i.Key.pk.S) }));
  ddb.on(PutItemCommand).callsFake((i) => {
    items.set(i.Item.pk.S, i.Item);
    return {};
  });
  ddb.on(DeleteItemCommand).callsFake((i) => {
    items.delete(i.Key.pk.S);
    return {};
  });
  return items;
}

describe('orchestrator handler', () => {
  it('tick onboards a configured domain up to the DNS request and answers per domain', async () => {
    const items = dynamoTable();
    ses.on(GetEmailIdentityCommand).resolves({
      DkimAttributes: { Status: 'SUCCESS', SigningAttributesOrigin: 'AWS_SES', Tokens: ['a', 'b', 'c'] },
    });
    const k = realKeyPair();
    kms
      .on(GenerateDataKeyPairWithoutPlaintextCommand)
      .resolves({ PublicKey: k.publicKeyDer, PrivateKeyCiphertextBlob: Buffer.from('cipher') });
    sns.on(PublishCommand).resolves({});
    const { handler } = await import('../../../handlers/byodkim/dkim-rotation-orchestrator/index.js');
    const res = await handler(fixture('orchestrator-tick.json'));
    expect(res).toMatchObject({
      action: 'tick',
      domains: [{ domain: 'goo.ne.jp', outcome: 'advanced', stage: 'AWAITING_DNS' }],
    });
    expect(sns.commandCalls(PublishCommand).map((c) => c.args[0].input.TopicArn)).toEqual([
      ENV.TOPIC_P3_ARN,
      ENV.TOPIC_P2_ARN,
    ]);
    expect(JSON.parse(items.get('state#goo.ne.jp')!.state!.S!).pending.privateKeyCiphertext).toBe(
      Buffer.from('cipher').toString('base64'),
    );
    expect(items.has('lock#goo.ne.jp')).toBe(false);
    const emf = out
      .join('')
      .split('\n')
      .filter((l) => l.includes('"_aws"'))
      .map((l) => JSON.parse(l));
    expect(emf.some((b) => b.Domain === 'goo.ne.jp' && b.BYODKIMKeyGenerationStatus === 1)).toBe(true);
  });

  it('status answers from the state table; a bad payload names the allowed actions', async () => {
    dynamoTable();
    const { handler } = await import('../../../handlers/byodkim/dkim-rotation-orchestrator/index.js');
    const res = (await handler(fixture('orchestrator-status.json'))) as { domains: Array<{ stage: string }> };
    expect(res.domains).toEqual([
      expect.objectContaining({ domain: 'goo.ne.jp', stage: 'IDLE', mode: 'manual-dns' }),
    ]);
    await expect(handler({ action: 'explode' })).rejects.toThrow(/allowed: \{"action":"tick"\}/);
  });

  it('fails at start when DOMAINS_JSON is invalid, naming the variable and the expected shape', async () => {
    vi.stubEnv('DOMAINS_JSON', '[{"domain":"Goo.ne.jp","rotationIntervalDays":5}]');
    const { handler } = await import('../../../handlers/byodkim/dkim-rotation-orchestrator/index.js');
    await expect(handler(fixture('orchestrator-tick.json'))).rejects.toThrow(
      /DOMAINS_JSON is invalid.*domain.*rotationIntervalDays/,
    );
  });
});

describe('validation-monitor handler', () => {
  it('publishes status, failure flags and DNS consistency in a record naming the domain, the KMS key state in another, all account-wide', async () => {
    const items = dynamoTable();
    const k = realKeyPair();
    const pub = k.publicKeyDer.toString('base64');
    const state = {
      ...initialState('goo.ne.jp'),
      current: { selector: 'ses20271201', publicKey: pub, privateKeyCiphertext: 'x', createdAt: 't' },
    };
    items.set('state#goo.ne.jp', {
      pk: { S: 'state#goo.ne.jp' },
      version: { N: '3' },
      state: { S: JSON.stringify(state) },
    });
    const r = dkimTxtRecord('ses20271201', 'goo.ne.jp', pub);
    dnsAnswers.set(r.name, [[...r.strings]]);
    ses.on(GetEmailIdentityCommand).resolves({
      DkimAttributes: { Status: 'FAILED', SigningAttributesOrigin: 'EXTERNAL', Tokens: ['ses20271201'] },
    });
    kms.on(DescribeKeyCommand).resolves({ KeyMetadata: { KeyId: 'k', KeyState: 'Disabled' } });
    const { handler } = await import('../../../handlers/byodkim/validation-monitor/index.js');
    const report = await handler(fixture('validation-check.json'));
    expect(report).toEqual({
      kmsKeyState: 'Disabled',
      domains: [
        expect.objectContaining({
          domain: 'goo.ne.jp',
          status: 'FAILED',
          selector: 'ses20271201',
          dnsConsistent: true,
        }),
      ],
    });
    const emf = out
      .join('')
      .split('\n')
      .filter((l) => l.includes('"_aws"'))
      .map((l) => JSON.parse(l));
    const perDomain = emf.find((b) => b.Domain === 'goo.ne.jp')!;
    expect(perDomain).toMatchObject({
      BYODKIMVerificationStatus: 0,
      BYODKIMVerificationFailed: 1,
      BYODKIMTemporaryFailure: 0,
      DNSRecordConsistency: 1,
    });
    // Account-wide only (issue #14): the domain is a property of its record, not a dimension.
    for (const b of emf) expect(b._aws.CloudWatchMetrics[0].Dimensions).toEqual([[]]);
    expect(perDomain).not.toHaveProperty('BYODKIMKeyStatus');
    const accountWide = emf.find((b) => b.Domain === undefined)!;
    expect(accountWide).toMatchObject({ BYODKIMKeyStatus: 0 });
  });

  it('flags DNS inconsistency when the active selector publishes another key', async () => {
    const items = dynamoTable();
    const pub = realKeyPair().publicKeyDer.toString('base64');
    const state = {
      ...initialState('goo.ne.jp'),
      current: { selector: 'ses20271201', publicKey: pub, privateKeyCiphertext: 'x', createdAt: 't' },
    };
    items.set('state#goo.ne.jp', {
      pk: { S: 'state#goo.ne.jp' },
      version: { N: '1' },
      state: { S: JSON.stringify(state) },
    });
    dnsAnswers.set('ses20271201._domainkey.goo.ne.jp', [
      ['v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAother'],
    ]);
    ses.on(GetEmailIdentityCommand).resolves({
      DkimAttributes: { Status: 'SUCCESS', SigningAttributesOrigin: 'EXTERNAL', Tokens: ['ses20271201'] },
    });
    kms.on(DescribeKeyCommand).resolves({ KeyMetadata: { KeyId: 'k', KeyState: 'Enabled' } });
    const { handler } = await import('../../../handlers/byodkim/validation-monitor/index.js');
    const report = await handler({ action: 'check' });
    expect(report.domains[0]).toMatchObject({ status: 'SUCCESS', dnsConsistent: false });
  });
});

describe('notification-manager handler', () => {
  it('turns a Lambda failure destination record into a Japanese P2 notice with function and log group', async () => {
    sns.on(PublishCommand).resolves({});
    const { handler } = await import('../../../handlers/byodkim/notification-manager/index.js');
    const res = await handler(fixture('lambda-destination-failure.json'));
    expect(res).toEqual({
      sent: 'function-failed',
      function: 'ses-migration-production-dkim-rotation-orchestrator',
    });
    const input = sns.commandCalls(PublishCommand)[0]!.args[0].input;
    expect(input.TopicArn).toBe(ENV.TOPIC_P2_ARN);
    expect(input.Subject!.length).toBeLessThanOrEqual(100);
    expect(input.Message).toContain('関数名: ses-migration-production-dkim-rotation-orchestrator');
    expect(input.Message).toContain('/aws/lambda/ses-migration-production-dkim-rotation-orchestrator');
    expect(input.Message).toContain('TooManyRequestsException');
  });

  it('rejects events it does not understand', async () => {
    const { handler } = await import('../../../handlers/byodkim/notification-manager/index.js');
    await expect(handler({ foo: 1 })).rejects.toThrow(/unsupported event.*requestContext\.functionArn/);
  });
});

describe('key-generator and ses-config-updater handlers', () => {
  it('key generator starts a rotation and answers with the record to publish, without a DNS request', async () => {
    dynamoTable();
    ses
      .on(GetEmailIdentityCommand)
      .resolves({ DkimAttributes: { Status: 'SUCCESS', SigningAttributesOrigin: 'AWS_SES' } });
    const k = realKeyPair();
    kms
      .on(GenerateDataKeyPairWithoutPlaintextCommand)
      .resolves({ PublicKey: k.publicKeyDer, PrivateKeyCiphertextBlob: Buffer.from('c') });
    sns.on(PublishCommand).resolves({});
    const { handler } = await import('../../../handlers/byodkim/dkim-key-generator/index.js');
    const res = await handler({ action: 'generate', domain: 'goo.ne.jp' });
    expect(res).toMatchObject({
      stage: 'KEY_GENERATED',
      recordToPublish: { name: expect.stringMatching(/^ses\d{8}._domainkey.goo.ne.jp$/) },
    });
    expect(res.recordToPublish!.value).toBe(`v=DKIM1; k=rsa; p=${k.publicKeyDer.toString('base64')}`);
  });

  it('ses-config-updater refuses to switch a domain that is not waiting for DNS', async () => {
    dynamoTable();
    const { handler } = await import('../../../handlers/byodkim/ses-config-updater/index.js');
    await expect(handler({ action: 'switch', domain: 'goo.ne.jp' })).rejects.toThrow(
      /stage IDLE.*AWAITING_DNS, DNS_PUBLISHED/,
    );
  });
});
