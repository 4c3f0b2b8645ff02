import { createPrivateKey, createPublicKey, createSign, createVerify } from 'node:crypto';
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  DecryptCommand,
  DescribeKeyCommand,
  GenerateDataKeyPairWithoutPlaintextCommand,
  KMSClient,
} from '@aws-sdk/client-kms';
import { ChangeResourceRecordSetsCommand, InvalidChangeBatch, Route53Client } from '@aws-sdk/client-route-53';
import {
  GetEmailIdentityCommand,
  NotFoundException,
  PutEmailIdentityDkimSigningAttributesCommand,
  SESv2Client,
  TooManyRequestsException,
} from '@aws-sdk/client-sesv2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  KmsKeyVault,
  PowertoolsMetricsSink,
  Route53Publisher,
  SesV2Port,
  SnsNotifier,
} from '../../../handlers/byodkim/core/aws.js';
import { parseDkimTags } from '../../../handlers/byodkim/core/dkim.js';
import { RotationEngine } from '../../../handlers/byodkim/core/engine.js';
import { ConcurrentModificationError } from '../../../handlers/byodkim/core/errors.js';
import type { Ports } from '../../../handlers/byodkim/core/ports.js';
import { DynamoStateStore, InMemoryStateStore } from '../../../handlers/byodkim/core/state-store.js';
import { initialState } from '../../../handlers/byodkim/core/types.js';
import {
  assertNoPlaintext,
  FakeClock,
  FakeDns,
  fakeDecrypt,
  fakeEncrypt,
  Recorder,
  realKeyPair,
  testConfig,
} from './support.js';

const kms = mockClient(KMSClient);
const ses = mockClient(SESv2Client);
const sns = mockClient(SNSClient);
const r53 = mockClient(Route53Client);
const ddb = mockClient(DynamoDBClient);

beforeEach(() => {
  kms.reset();
  ses.reset();
  sns.reset();
  r53.reset();
  ddb.reset();
});

const DOMAIN = 'goo.ne.jp';

describe('real crypto through the AWS adapters', () => {
  it('the key handed to SES signs what the public key published in DNS verifies; it is base64 DER RSA 2048', async () => {
    const plaintexts: string[] = [];
    kms.on(GenerateDataKeyPairWithoutPlaintextCommand).callsFake((input) => {
      expect(input.KeyPairSpec).toBe('RSA_2048');
      const k = realKeyPair();
      plaintexts.push(k.privateKeyDer.toString('base64'));
      const ctx = { domain: input.EncryptionContext.domain, selector: input.EncryptionContext.selector };
      return {
        PublicKey: k.publicKeyDer,
        PrivateKeyCiphertextBlob: fakeEncrypt(k.privateKeyDer, ctx),
        KeyPairSpec: 'RSA_2048',
      };
    });
    kms.on(DecryptCommand).callsFake((input) => ({
      Plaintext: fakeDecrypt(input.CiphertextBlob, {
        domain: input.EncryptionContext.domain,
        selector: input.EncryptionContext.selector,
      }),
    }));
    let identity = { origin: 'AWS_SES', selector: '', status: 'SUCCESS' };
    ses.on(GetEmailIdentityCommand).callsFake(() => ({
      DkimAttributes: {
        Status: identity.status,
        SigningAttributesOrigin: identity.origin,
        SigningEnabled: true,
        Tokens: identity.origin === 'EXTERNAL' ? [identity.selector] : ['t1', 't2', 't3'],
      },
    }));
    ses.on(PutEmailIdentityDkimSigningAttributesCommand).callsFake((input) => {
      identity = {
        origin: 'EXTERNAL',
        selector: input.SigningAttributes.DomainSigningSelector,
        status: 'SUCCESS',
      };
      return {};
    });
    sns.on(PublishCommand).resolves({ MessageId: 'm' });

    const dns = new FakeDns();
    const rec = new Recorder();
    const store = new InMemoryStateStore();
    const config = testConfig([{ domain: DOMAIN, rotationIntervalDays: 365 }]);
    const ports: Ports = {
      store,
      vault: new KmsKeyVault('alias/byodkim'),
      ses: new SesV2Port(),
      dns,
      dnsPublisher: dns,
      notifier: new SnsNotifier(config.topics),
      metrics: rec,
      clock: new FakeClock(),
      log: rec,
    };
    const engine = new RotationEngine({ config, ports, functionName: 'fn', orchestratorName: 'orch' });
    await engine.tick();

    // The DNS request as the DNS team receives it (SNS message body); publish what it says.
    const published = sns.commandCalls(PublishCommand).map((c) => c.args[0].input);
    const request = published.find((p) => p.MessageAttributes?.kind?.StringValue === 'dns-request')!;
    expect(request.TopicArn).toBe('arn:p2');
    const name = /レコード名: (\S+)/.exec(request.Message!)![1]!;
    const strings = [...request.Message!.split('ゾーンファイル形式')[0]!.matchAll(/^ {4}"([^"]+)"$/gm)].map(
      (m) => m[1]!,
    );
    expect(strings.length).toBe(2);
    dns.publish(name, strings);
    await engine.tick();

    const put = ses.commandCalls(PutEmailIdentityDkimSigningAttributesCommand)[0]!.args[0].input;
    expect(put.SigningAttributesOrigin).toBe('EXTERNAL');
    const key = put.SigningAttributes!.DomainSigningPrivateKey!;
    expect(key).toMatch(/^[A-Za-z0-9+/]+={0,2}$/); // no PEM header, no newline
    const priv = createPrivateKey({ key: Buffer.from(key, 'base64'), format: 'der', type: 'pkcs8' });
    expect(priv.asymmetricKeyType).toBe('rsa');
    expect(priv.asymmetricKeyDetails?.modulusLength).toBe(2048);

    const p = parseDkimTags(strings.join(''))!.get('p')!;
    const pub = createPublicKey({ key: Buffer.from(p, 'base64'), format: 'der', type: 'spki' });
    const message = 'from:info@goo.ne.jp\r\nsubject:rotation\r\n';
    const sig = createSign('RSA-SHA256').update(message).sign(priv);
    expect(createVerify('RSA-SHA256').update(message).verify(pub, sig)).toBe(true);
    expect(put.SigningAttributes!.DomainSigningSelector).toBe(name.split('.')[0]);
    expect((await store.get(DOMAIN))!.stage).toBe('IDLE'); // onboarding from Easy DKIM: no old record

    // Nothing anyone can read contains the plaintext.
    const everything = JSON.stringify([
      [...store.states.values()],
      published,
      sns.commandCalls(PublishCommand).map((c) => c.args[0].input),
      rec.points,
      rec.logs,
    ]);
    assertNoPlaintext(everything, plaintexts);
    expect(kms.commandCalls(DecryptCommand)[0]!.args[0].input.EncryptionContext).toEqual({
      purpose: 'ses-byodkim',
      domain: DOMAIN,
      selector: name.split('.')[0],
    });
  });
});

describe('adapters', () => {
  it('KMS errors become KeyGenerationError naming the key and domain', async () => {
    kms
      .on(GenerateDataKeyPairWithoutPlaintextCommand)
      .rejects(Object.assign(new Error('disabled'), { name: 'DisabledException' }));
    await expect(
      new KmsKeyVault('alias/k').generateKeyPair({ domain: DOMAIN, selector: 's1' }),
    ).rejects.toThrow(
      /KeyGenerationError|GenerateDataKeyPairWithoutPlaintext \(RSA_2048\) under alias\/k failed for goo\.ne\.jp: DisabledException/,
    );
    kms.on(DescribeKeyCommand).resolves({ KeyMetadata: { KeyId: 'k', KeyState: 'PendingDeletion' } });
    expect(await new KmsKeyVault('alias/k').keyState()).toBe('PendingDeletion');
  });

  it('SES: missing identity reads as not existing; throttling becomes SesUpdateError without key material', async () => {
    ses.on(GetEmailIdentityCommand).rejects(new NotFoundException({ message: 'nope', $metadata: {} }));
    expect((await new SesV2Port().getDkim(DOMAIN)).exists).toBe(false);
    ses
      .on(PutEmailIdentityDkimSigningAttributesCommand)
      .rejects(new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} }));
    const err = await new SesV2Port()
      .putExternal(DOMAIN, 'ses1', Buffer.from('U0VDUkVUS0VZ', 'base64'))
      .catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/TooManyRequestsException/);
    expect(JSON.stringify({ m: (err as Error).message, s: (err as Error).stack })).not.toContain(
      'U0VDUkVUS0VZ',
    );
  });

  it('Route 53: UPSERT/DELETE a TXT record; deleting a missing record is fine', async () => {
    r53
      .on(ChangeResourceRecordSetsCommand)
      .resolvesOnce({ ChangeInfo: { Id: 'c', Status: 'PENDING', SubmittedAt: new Date() } });
    await new Route53Publisher().upsertTxt('Z1', 'ses1._domainkey.goo.ne.jp', '"v=DKIM1; p=AB" "CD"');
    const change = r53.commandCalls(ChangeResourceRecordSetsCommand)[0]!.args[0].input.ChangeBatch!
      .Changes![0]!;
    expect(change).toMatchObject({
      Action: 'UPSERT',
      ResourceRecordSet: {
        Name: 'ses1._domainkey.goo.ne.jp',
        Type: 'TXT',
        ResourceRecords: [{ Value: '"v=DKIM1; p=AB" "CD"' }],
      },
    });
    r53
      .on(ChangeResourceRecordSetsCommand)
      .rejects(new InvalidChangeBatch({ message: 'not found', $metadata: {} }));
    await expect(new Route53Publisher().deleteTxt('Z1', 'x', '"v"')).resolves.toBeUndefined();
  });

  it('SNS: topic by severity, message attributes for filtering', async () => {
    sns.on(PublishCommand).resolves({});
    await new SnsNotifier({ P1: 'arn:1', P2: 'arn:2', P3: 'arn:3' }).publish({
      kind: 'rotation-failed',
      severity: 'P1',
      domain: DOMAIN,
      subject: 's',
      body: 'b',
    });
    const input = sns.commandCalls(PublishCommand)[0]!.args[0].input;
    expect(input.TopicArn).toBe('arn:1');
    expect(input.MessageAttributes?.severity?.StringValue).toBe('P1');
  });
});

describe('DynamoStateStore', () => {
  it('writes conditionally on the version and maps a conflict to ConcurrentModificationError', async () => {
    ddb
      .on(PutItemCommand)
      .resolvesOnce({})
      .rejectsOnce(new ConditionalCheckFailedException({ message: 'x', $metadata: {} }));
    const store = new DynamoStateStore('tbl');
    const saved = await store.put(initialState(DOMAIN));
    expect(saved.version).toBe(1);
    const first = ddb.commandCalls(PutItemCommand)[0]!.args[0].input;
    expect(first.ConditionExpression).toBe('attribute_not_exists(pk)');
    expect(first.Item?.pk?.S).toBe('state#goo.ne.jp');
    expect(JSON.parse(first.Item!.state!.S!)).not.toHaveProperty('version');
    await expect(store.put(saved)).rejects.toBeInstanceOf(ConcurrentModificationError);
    const second = ddb.commandCalls(PutItemCommand)[1]!.args[0].input;
    expect(second.ConditionExpression).toBe('#v = :v');
    expect(second.ExpressionAttributeValues?.[':v']?.N).toBe('1');
  });

  it('reads the stored JSON with the item version', async () => {
    ddb.on(GetItemCommand).resolves({
      Item: {
        pk: { S: 'state#goo.ne.jp' },
        version: { N: '7' },
        state: { S: JSON.stringify({ ...initialState(DOMAIN), version: undefined, stage: 'AWAITING_DNS' }) },
      },
    });
    const s = await new DynamoStateStore('tbl').get(DOMAIN);
    expect(s).toMatchObject({ domain: DOMAIN, version: 7, stage: 'AWAITING_DNS' });
    expect(ddb.commandCalls(GetItemCommand)[0]!.args[0].input.ConsistentRead).toBe(true);
  });

  it('lock: conditional put with lease; held lock -> false; release only by its owner', async () => {
    ddb
      .on(PutItemCommand)
      .resolvesOnce({})
      .rejectsOnce(new ConditionalCheckFailedException({ message: 'x', $metadata: {} }));
    const store = new DynamoStateStore('tbl');
    expect(await store.acquireLock(DOMAIN, 'a', 1000, 2000)).toBe(true);
    expect(await store.acquireLock(DOMAIN, 'b', 1500, 2500)).toBe(false);
    const lock = ddb.commandCalls(PutItemCommand)[0]!.args[0].input;
    expect(lock.ConditionExpression).toBe('attribute_not_exists(pk) OR #e < :now');
    expect(lock.Item?.pk?.S).toBe('lock#goo.ne.jp');
    ddb.on(DeleteItemCommand).rejects(new ConditionalCheckFailedException({ message: 'x', $metadata: {} }));
    await expect(store.releaseLock(DOMAIN, 'a')).resolves.toBeUndefined();
    expect(ddb.commandCalls(DeleteItemCommand)[0]!.args[0].input.ExpressionAttributeValues?.[':o']?.S).toBe(
      'a',
    );
  });
});

describe('PowertoolsMetricsSink (EMF)', () => {
  const out: string[] = [];
  let spy: ReturnType<typeof vi.spyOn> | undefined;
  beforeEach(() => {
    out.length = 0;
    spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out.push(String(chunk));
      return true;
    });
  });
  afterEach(() => spy?.mockRestore());

  it('publishes every point account-wide only, one record per domain naming it as a property (no Domain dimension)', () => {
    const sink = new PowertoolsMetricsSink('ses-migration/production/BYODKIM', 'byodkim-validation-monitor');
    sink.put({ name: 'BYODKIMVerificationFailed', unit: 'Count', value: 1, domain: 'a.jp' });
    sink.put({ name: 'BYODKIMVerificationFailed', unit: 'Count', value: 0, domain: 'b.jp' });
    sink.put({ name: 'BYODKIMKeyStatus', unit: 'Count', value: 1 });
    sink.flush();
    const blobs = out
      .join('')
      .split('\n')
      .filter((l) => l.includes('_aws'))
      .map((l) => JSON.parse(l));
    const dims = blobs.map((b) => b._aws.CloudWatchMetrics[0].Dimensions);
    expect(dims).toEqual([[[]], [[]], [[]]]);
    expect(
      blobs.every((b) => b._aws.CloudWatchMetrics[0].Namespace === 'ses-migration/production/BYODKIM'),
    ).toBe(true);
    expect(blobs[0]).toMatchObject({ Domain: 'a.jp', BYODKIMVerificationFailed: 1 });
    expect(blobs[1]).toMatchObject({ Domain: 'b.jp', BYODKIMVerificationFailed: 0 });
    expect(blobs[2].Domain).toBeUndefined();
    expect(blobs[2].BYODKIMKeyStatus).toBe(1);
    // Each value reaches the account-wide metric exactly once.
    expect(blobs.filter((b) => 'BYODKIMVerificationFailed' in b)).toHaveLength(2);
    expect(JSON.stringify(blobs)).not.toMatch(/"service"|"Status"/);
  });
});
