/** Operator and schedule payloads, validated. */
import {
  boolean,
  type Check,
  formatIssues,
  type Infer,
  literal,
  object,
  oneOf,
  optional,
  parse,
  string,
  withDefault,
} from '../../shared/validate.js';
import { InvalidRequestError } from './errors.js';

const domain = string({ min: 1 });

export const orchestratorRequest = oneOf('action', {
  tick: object({ action: literal('tick') }),
  rotate: object({ action: literal('rotate'), domain, force: withDefault(boolean, false) }),
  status: object({ action: literal('status'), domain: optional(domain) }),
  abort: object({ action: literal('abort'), domain }),
  rollback: object({ action: literal('rollback'), domain }),
});
export type OrchestratorRequest = Infer<typeof orchestratorRequest>;

export const generateRequest = object({
  action: literal('generate'),
  domain,
  force: withDefault(boolean, true),
});

export const sesUpdateRequest = oneOf('action', {
  switch: object({ action: literal('switch'), domain }),
  rollback: object({ action: literal('rollback'), domain }),
});

/** Parses a payload; the error names the allowed shapes. */
export function parseRequest<T>(schema: Check<T>, event: unknown, allowed: string): T {
  const r = parse(schema, event ?? {});
  if (!r.ok) {
    throw new InvalidRequestError(
      `invalid request ${JSON.stringify(event)} (${formatIssues(r.issues)}); allowed: ${allowed}`,
    );
  }
  return r.value;
}
