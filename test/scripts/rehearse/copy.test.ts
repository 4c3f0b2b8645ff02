/** The rehearsal's copy of the project: exactly the two failing types substituted, hooks pointed at the copy. */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALLOWED_LOG_LINES, suspiciousLogLines } from '../../../scripts/rehearse/allow-list.js';
import { prepareCopy } from '../../../scripts/rehearse/copy.js';
import { generatedSceptreDir } from '../../support/templates.js';

describe('rehearsal copy', () => {
  it('substitutes only SES identities and DynamoDB tables, and re-points every gate hook', () => {
    const source = generatedSceptreDir();
    const manifest = join(mkdtempSync(join(tmpdir(), 'manifest-')), 'manifest.json');
    writeFileSync(manifest, '{}');
    const { dir, substituted } = prepareCopy('dev', manifest, source);
    expect(substituted.map((s) => `${s.stack}/${s.logicalId} ${s.from} -> ${s.to}`).sort()).toEqual([
      'byodkim/StateTable AWS::DynamoDB::Table -> AWS::SQS::Queue',
      'monitoring/AlarmEpisodesTable AWS::DynamoDB::Table -> AWS::SQS::Queue',
      'ses/DevGooNeJpIdentity AWS::SES::EmailIdentity -> AWS::CloudFormation::WaitConditionHandle',
    ]);
    for (const file of readdirSync(join(dir, 'templates', 'dev'))) {
      const copy = JSON.parse(readFileSync(join(dir, 'templates', 'dev', file), 'utf8'));
      const original = JSON.parse(readFileSync(join(source, 'templates', 'dev', file), 'utf8'));
      expect(Object.keys(copy.Resources)).toEqual(Object.keys(original.Resources));
      for (const [id, r] of Object.entries(original.Resources as Record<string, { Type: string }>)) {
        if (!substituted.some((s) => s.logicalId === id)) expect(copy.Resources[id], id).toEqual(r);
      }
    }
    const hooks =
      readFileSync(join(dir, 'config', 'dev', 'monitoring.yaml'), 'utf8').match(/gate\.ts .*"/g) ?? [];
    expect(hooks).toHaveLength(5);
    for (const h of hooks)
      expect(h).toContain(`--sceptre-dir ${dir} --manifest ${join(dir, 'manifest.json')}"`);
  });

  it('the allow-list accepts the reviewed fallbacks and nothing else', () => {
    const log = [
      'WARN --- l.s.c.e.v.change_set_model : Deployment of resource type AWS::Logs::QueryDefinition succeeded, but will fail in upcoming LocalStack releases unless X',
      'WARN --- l.s.c.e.v.change_set_model : Deployment of resource type AWS::SNS::Topic succeeded, but will fail in upcoming LocalStack releases unless X',
      'ERROR --- something broke',
      'INFO --- all fine',
    ].join('\n');
    const suspicious = suspiciousLogLines(log);
    expect(suspicious).toHaveLength(3);
    const unexpected = suspicious.filter((l) => !ALLOWED_LOG_LINES.some((a) => a.pattern.test(l)));
    expect(unexpected).toEqual([suspicious[1], suspicious[2]]);
  });
});
