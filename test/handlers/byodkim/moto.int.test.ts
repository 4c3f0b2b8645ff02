/**
 * Against moto_server (127.0.0.1) where moto is real: SESv2 identities (GetEmailIdentity), SNS publish
 * (read back through SQS subscriptions), KMS DescribeKey/DisableKey. moto has no
 * GenerateDataKeyPair(WithoutPlaintext) and no PutEmailIdentityDkimSigningAttributes: key generation uses
 * the real-crypto fake vault, and the switch is covered by the aws-sdk-client-mock tests. S3: the domain list
 * object the functions read at cold start.
 */
import { CreateKeyCommand, DisableKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateEmailIdentityCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Moto, motoClientConfig, startMoto } from '../../support/moto.js';
import { createQueue, drain, type Queue } from '../notifier/moto-sqs.js';
import { FakeClock, FakeDns, FakeVault, Recorder, testConfig } from './support.js';

let moto: Moto;
const topics: Record<'P1' | 'P2' | 'P3', string> = { P1: '', P2: '', P3: '' };
const queues: Record<string, Queue> = {};

beforeAll(async () => {
  moto = await startMoto();
  vi.stubEnv('AWS_ENDPOINT_URL', moto.endpoint);
  vi.stubEnv('AWS_REGION', 'ap-northeast-1');
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'testing');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'testing');
  const sns = new SNSClient(motoClientConfig(moto.endpoint));
  for (const sev of ['P1', 'P2', 'P3'] as const) {
    const { TopicArn } = await sns.send(
      new CreateTopicCommand({ Name: `ses-migration-development-${sev.toLowerCase()}` }),
    );
    topics[sev] = TopicArn!;
    const q = await createQueue(moto.endpoint, `byodkim-${sev}`);
    queues[sev] = q;
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: q.arn }));
  }
  const ses = new SESv2Client(motoClientConfig(moto.endpoint));
  await ses.send(new CreateEmailIdentityCommand({ EmailIdentity: 'goo.ne.jp' }));
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await moto?.stop();
});

describe('BYODKIM against moto', () => {
  it('onboarding reads the SES identity from moto and delivers the Japanese DNS request through SNS', async () => {
    const { RotationEngine } = await import('../../../handlers/byodkim/core/engine.js');
    const { SesV2Port, SnsNotifier } = await import('../../../handlers/byodkim/core/aws.js');
    const { InMemoryStateStore } = await import('../../../handlers/byodkim/core/state-store.js');
    const dns = new FakeDns();
    const rec = new Recorder();
    const store = new InMemoryStateStore();
    const config = { ...testConfig([{ domain: 'goo.ne.jp', rotationIntervalDays: 365 }]), topics };
    const engine = new RotationEngine({
      config,
      ports: {
        store,
        vault: new FakeVault(),
        ses: new SesV2Port(),
        dns,
        dnsPublisher: dns,
        notifier: new SnsNotifier(topics),
        metrics: rec,
        clock: new FakeClock(),
        log: rec,
      },
      functionName: 'ses-migration-development-dkim-rotation-orchestrator',
      orchestratorName: 'ses-migration-development-dkim-rotation-orchestrator',
    });
    const [outcome] = await engine.tick();
    expect(outcome).toMatchObject({ domain: 'goo.ne.jp', stage: 'AWAITING_DNS' });
    const s = (await store.get('goo.ne.jp'))!;
    expect(s.previousOrigin).toBe('AWS_SES'); // moto's new identity: Easy DKIM

    const p2 = await drain(moto.endpoint, queues.P2!);
    const p3 = await drain(moto.endpoint, queues.P3!);
    expect(p3.map((m) => m.MessageAttributes?.kind?.Value)).toEqual(['rotation-started']);
    expect(p2).toHaveLength(1);
    expect(p2[0]!.Subject).toContain('DNS TXTレコード追加依頼');
    expect(p2[0]!.Message).toContain(`${s.pending!.selector}._domainkey.goo.ne.jp`);
    expect(p2[0]!.Message).toContain('2027-12-03 09:00 JST');
  });

  it('the status check reads verification status from SES and the key state from KMS', async () => {
    const { checkAll } = await import('../../../handlers/byodkim/core/monitor.js');
    const { KmsKeyVault, SesV2Port } = await import('../../../handlers/byodkim/core/aws.js');
    const { InMemoryStateStore } = await import('../../../handlers/byodkim/core/state-store.js');
    const kms = new KMSClient(motoClientConfig(moto.endpoint));
    const { KeyMetadata } = await kms.send(
      new CreateKeyCommand({ KeySpec: 'SYMMETRIC_DEFAULT', KeyUsage: 'ENCRYPT_DECRYPT' }),
    );
    const rec = new Recorder();
    const ports = {
      ses: new SesV2Port(),
      dns: new FakeDns(),
      vault: new KmsKeyVault(KeyMetadata!.KeyId!),
      store: new InMemoryStateStore(),
      metrics: rec,
      log: rec,
    };
    const before = await checkAll(ports, [
      { domain: 'goo.ne.jp', rotationIntervalDays: 365 },
      { domain: 'absent.jp', rotationIntervalDays: 365 },
    ]);
    expect(before.kmsKeyState).toBe('Enabled');
    expect(before.domains[0]).toMatchObject({ domain: 'goo.ne.jp', identityExists: true });
    expect(before.domains[1]).toMatchObject({ domain: 'absent.jp', identityExists: false });
    expect(rec.values('BYODKIMKeyStatus')).toEqual([1]);

    await kms.send(new DisableKeyCommand({ KeyId: KeyMetadata!.KeyId! }));
    const after = await checkAll(ports, []);
    expect(after.kmsKeyState).toBe('Disabled');
    expect(rec.values('BYODKIMKeyStatus')).toEqual([1, 0]);
  });

  it('the functions read their domain list object from S3 (the artifacts bucket), and a missing one is named', async () => {
    const { byodkimDomainsObject } = await import('../../../contracts/functions/byodkim.js');
    const { loadDomainConfig } = await import('../../../handlers/byodkim/core/config.js');
    const { readConfigObject } = await import('../../../handlers/byodkim/aws/s3.js');
    vi.stubEnv('AWS_S3_FORCE_PATH_STYLE', 'true');
    const bucket = 'ses-migration-development-artifacts-123456789012';
    const s3 = new S3Client({ ...motoClientConfig(moto.endpoint), forcePathStyle: true });
    await s3.send(
      new CreateBucketCommand({
        Bucket: bucket,
        CreateBucketConfiguration: { LocationConstraint: 'ap-northeast-1' },
      }),
    );
    const object = byodkimDomainsObject('dev', [
      { domain: 'goo.ne.jp', rotationIntervalDays: 365 },
      { domain: 'dev.goo.ne.jp', rotationIntervalDays: 180, hostedZoneId: 'Z0123456789ABCDEFGHIJ' },
    ]);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: object.key, Body: object.body }));
    const env = {
      ENVIRONMENT: 'development',
      CONFIG_BUCKET: bucket,
      DOMAINS_CONFIG_KEY: object.key,
      STATE_TABLE: 't',
      KMS_KEY_ID: 'k',
    };
    const config = await loadDomainConfig(env, readConfigObject);
    expect(config.domains).toEqual([
      { domain: 'goo.ne.jp', rotationIntervalDays: 365 },
      { domain: 'dev.goo.ne.jp', rotationIntervalDays: 180, hostedZoneId: 'Z0123456789ABCDEFGHIJ' },
    ]);
    const missing = object.key.replace(/[0-9a-f]{64}/, 'a'.repeat(64));
    await expect(loadDomainConfig({ ...env, DOMAINS_CONFIG_KEY: missing }, readConfigObject)).rejects.toThrow(
      `domain list object s3://${bucket}/${missing} does not exist (NoSuchKey)`,
    );
  });
});
