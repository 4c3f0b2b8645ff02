/** Errors of the metrics handler: each names what is wrong, the value given and what is allowed. */

/** An environment variable is missing or malformed (the function's environment contract throws it). */
export { MetricsConfigError } from '../../contracts/functions/metrics.js';

/** GetMetricData answered something the handler cannot use (e.g. a query id it did not ask for). */
export class MetricsQueryError extends Error {
  override readonly name = 'MetricsQueryError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
