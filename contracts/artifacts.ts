/**
 * The artifacts bucket's hygiene contract between the generator (lifecycle rule) and the deploy gate (cleanup):
 * the gate tags every object that no deployed stack needs any more, and the bucket's lifecycle rule expires
 * objects carrying the tag after `artifacts.unreferencedExpirationDays`. An age rule alone would expire a bundle
 * a stack still runs (bundles are content-addressed and can stay unchanged for years).
 */
export const UNREFERENCED_TAG = { Key: 'ses-migration-unreferenced', Value: 'true' } as const;

/** Key prefixes in the artifacts bucket: Lambda bundles, templates Sceptre uploads, and the gate's records. */
export const ARTIFACT_PREFIXES = {
  bundles: 'handlers/',
  templates: 'templates/',
  state: 'deploy-state/',
} as const;

/** Lifecycle rule id of the tag-based expiry. */
export const UNREFERENCED_RULE_ID = 'expire-unreferenced-artifacts';
