/** Powertools Logger adapter of the Log port (structured JSON on stdout, no AWS client). */
import { Logger } from '@aws-lambda-powertools/logger';
import type { Log } from '../core/ports.js';

export function powertoolsLog(serviceName: string): { readonly logger: Logger; readonly log: Log } {
  const logger = new Logger({ serviceName });
  const log: Log = {
    info: (m, e) => logger.info(m, e ?? {}),
    warn: (m, e) => logger.warn(m, e ?? {}),
    error: (m, e) => logger.error(m, e ?? {}),
  };
  return { logger, log };
}
