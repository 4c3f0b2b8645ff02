/** `npm run bench`: runs every benchmark module in bench/ in turn (each exports `run()` and prints its figures). */
import { run as alarms } from '../bench/alarms.js';
import { run as byodkim } from '../bench/byodkim.js';
import { run as byodkimTick } from '../bench/byodkim-tick.js';
import { run as drift } from '../bench/drift.js';
import { run as handlers } from '../bench/handlers.js';
import { run as masking } from '../bench/masking.js';
import { run as metricsScale } from '../bench/metrics-scale.js';
import { run as scale } from '../bench/scale.js';

const benches: [string, () => Promise<void>][] = [
  ['masking', () => masking()],
  ['handlers and generation', handlers],
  ['drift', drift],
  ['alarm scenarios', alarms],
  ['scale: 1, 200 and 1,000 domains', scale],
  ['metrics function: 1, 200 and 1,000 domains', metricsScale],
  ['BYODKIM failure injection', byodkim],
  ['BYODKIM rotation tick: 1, 200 and 1,000 domains (mocked latency, paced)', byodkimTick],
];

for (const [name, run] of benches) {
  console.log(`\n== bench: ${name}`);
  await run();
}
