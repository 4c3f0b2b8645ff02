/** SES event destinations name event types in lower camel case, as the CloudFormation schema documents them. */
import { describe, expect, it } from 'vitest';
import { resourcesOfType, templates } from '../support/templates.js';

// AWS::SES::ConfigurationSetEventDestination EventDestination.MatchingEventTypes (CloudFormation User Guide).
const DOCUMENTED = [
  'send',
  'reject',
  'bounce',
  'complaint',
  'delivery',
  'open',
  'click',
  'renderingFailure',
  'deliveryDelay',
  'subscription',
];

describe('SES event destinations', () => {
  it.each(['prod', 'dev'] as const)(
    '%s: every MatchingEventTypes value is a documented lower camel case type',
    (env) => {
      const destinations = resourcesOfType(templates(env), 'AWS::SES::ConfigurationSetEventDestination');
      expect(destinations.length).toBeGreaterThan(0);
      for (const [, r] of destinations) {
        const types: string[] = r.Properties.EventDestination.MatchingEventTypes;
        expect(types.length).toBeGreaterThan(0);
        for (const t of types) expect(DOCUMENTED, `${t} in ${JSON.stringify(types)}`).toContain(t);
      }
    },
  );
});
