/**
 * The sections of `npm run status` (seed 5.4.1 first response), one module each in ./sections/. Each reads what
 * it can and says what it could not: a section never throws, it returns `unavailable` with the reason, and the
 * others still print.
 */
import { accountSection } from './sections/account.js';
import { alarmsSection } from './sections/alarms.js';
import { byodkimSection } from './sections/byodkim.js';
import { dkimSection } from './sections/dkim.js';
import { eventsSection } from './sections/events.js';
import { reputationSection } from './sections/reputation.js';
import { rotationScheduleSection } from './sections/schedule.js';

export { accountSection } from './sections/account.js';
export { alarmsSection, severityOf } from './sections/alarms.js';
export { byodkimSection } from './sections/byodkim.js';
export { dkimSection } from './sections/dkim.js';
export { eventsQuery, eventsSection } from './sections/events.js';
export { BOUNCE_REVIEW, COMPLAINT_REVIEW, reputationSection } from './sections/reputation.js';
export { rotationScheduleSection } from './sections/schedule.js';
export type {
  Section,
  SectionState,
  Sender,
  StatusClients,
  StatusContext,
} from './sections/shared.js';
export { unreadable } from './sections/shared.js';

/** Every section, in the order of seed 5.4.1. */
export const SECTIONS = [
  alarmsSection,
  accountSection,
  reputationSection,
  dkimSection,
  byodkimSection,
  eventsSection,
  rotationScheduleSection,
] as const;
