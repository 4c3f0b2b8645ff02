/**
 * Sceptre before_launch hook: uploads the handler bundles a stack needs to the base stack's artifacts bucket,
 * skipping those already there (keys are content hashes). Usage: upload-bundles.ts <env> <handler...>
 */
import { readFileSync } from 'node:fs';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { parse } from 'yaml';

interface Manifest {
  [handler: string]: { key: string; sha256: string; zip: string };
}

async function main(): Promise<void> {
  const [env, ...handlers] = process.argv.slice(2);
  if (!env || handlers.length === 0) throw new Error('usage: upload-bundles.ts <env> <handler...>');
  const project = parse(readFileSync('sceptre/config/config.yaml', 'utf8')) as {
    project_code: string;
    region: string;
  };
  const manifest = JSON.parse(readFileSync('dist/handlers/manifest.json', 'utf8')) as Manifest;
  const region = process.env.AWS_REGION ?? project.region;
  const cfn = new CloudFormationClient({ region });
  const stackName = `${project.project_code}-${env}-base`;
  const out = await cfn.send(new DescribeStacksCommand({ StackName: stackName }));
  const bucket = out.Stacks?.[0]?.Outputs?.find((o) => o.OutputKey === 'ArtifactsBucketName')?.OutputValue;
  if (!bucket)
    throw new Error(`stack ${stackName} has no ArtifactsBucketName output: launch ${env}/base.yaml first`);
  const s3 = new S3Client({ region });
  for (const h of handlers) {
    const entry = manifest[h];
    if (!entry) throw new Error(`handler ${h} is not in dist/handlers/manifest.json: run npm run generate`);
    try {
      await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: entry.key }));
      console.log(`bundle ${h}: s3://${bucket}/${entry.key} already uploaded`);
      continue;
    } catch (e) {
      if ((e as { name?: string }).name !== 'NotFound') throw e;
    }
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: entry.key,
        Body: readFileSync(entry.zip),
        ChecksumAlgorithm: 'SHA256',
      }),
    );
    console.log(`bundle ${h}: uploaded s3://${bucket}/${entry.key}`);
  }
}

main().catch((e: unknown) => {
  console.error(`upload-bundles failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
