/** The PII access audit trail (security stack): Object Lock by environment and setting, or an existing trail. */
import { describe, expect, it } from 'vitest';
import type { EnvConfig } from '../../generators/config/schema.js';
import { renderStack } from '../../generators/lib/template.js';
import { securityStack } from '../../generators/stacks/security.js';
import { fakeBundles, loadEnv } from '../support/templates.js';

// biome-ignore lint/suspicious/noExplicitAny: templates are arbitrary JSON
function security(cfg: EnvConfig): Record<string, any> {
  return renderStack(securityStack, cfg, fakeBundles()).template.Resources as Record<string, never>;
}
const withSecurity = (cfg: EnvConfig, s: Partial<EnvConfig['security']>): EnvConfig => ({
  ...cfg,
  security: { ...cfg.security, ...s },
});
const bypassDenied = (
  r: Record<string, { Properties: { PolicyDocument: { Statement: { Sid?: string }[] } } }>,
) =>
  r.AuditTrailBucketPolicy?.Properties.PolicyDocument.Statement.some(
    (s) => s.Sid === 'NobodyBypassesTheLock',
  );

describe('audit trail bucket', () => {
  it('production: governance-mode Object Lock with a default retention, and nobody may bypass it', () => {
    const r = security(loadEnv('prod'));
    const bucket = r.AuditTrailBucket.Properties;
    expect(bucket.ObjectLockEnabled).toBe(true);
    expect(bucket.ObjectLockConfiguration).toEqual({
      ObjectLockEnabled: 'Enabled',
      Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 400 } },
    });
    expect(bypassDenied(r)).toBe(true);
  });

  it('compliance mode only when set explicitly; development has no lock', () => {
    const compliance = security(
      withSecurity(loadEnv('prod'), { auditObjectLock: 'compliance', auditLockDays: 30 }),
    );
    expect(compliance.AuditTrailBucket.Properties.ObjectLockConfiguration.Rule.DefaultRetention).toEqual({
      Mode: 'COMPLIANCE',
      Days: 30,
    });
    // Development with the trail switched on: a bucket, no lock, no bypass statement.
    const dev = security(withSecurity(loadEnv('dev'), { auditArchiveReads: true }));
    expect(dev.AuditTrailBucket.Properties.BucketName).toBeDefined();
    expect(dev.AuditTrailBucket.Properties.ObjectLockEnabled).toBeUndefined();
    expect(dev.AuditTrailBucket.Properties.ObjectLockConfiguration).toBeUndefined();
    expect(bypassDenied(dev)).toBe(false);
  });

  it('an existing trail replaces the project trail, its bucket, key and the roles’ read statements', () => {
    const r = security(withSecurity(loadEnv('prod'), { existingTrail: { bucket: 'org-cloudtrail-logs' } }));
    for (const id of ['ArchiveAccessTrail', 'AuditTrailBucket', 'AuditTrailBucketPolicy', 'AuditKey']) {
      expect(r[id], id).toBeUndefined();
    }
    expect(JSON.stringify(r.MonitoringRole)).not.toContain('AuditTrailBucket');
  });
});
