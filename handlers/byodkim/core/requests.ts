/** Operator and schedule payloads, validated. */
import { z } from 'zod';
import { InvalidRequestError } from './errors.js';

const domain = z.string().min(1);

export const orchestratorRequest = z.discriminatedUnion('action', [
  z.object({ action: z.literal('tick') }),
  z.object({ action: z.literal('rotate'), domain, force: z.boolean().default(false) }),
  z.object({ action: z.literal('status'), domain: domain.optional() }),
  z.object({ action: z.literal('abort'), domain }),
  z.object({ action: z.literal('rollback'), domain }),
]);
export type OrchestratorRequest = z.infer<typeof orchestratorRequest>;

/** Parses a payload; the error names the allowed shapes. */
export function parseRequest<T>(schema: z.ZodType<T>, event: unknown, allowed: string): T {
  const r = schema.safeParse(event ?? {});
  if (!r.success) {
    const issues = r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new InvalidRequestError(
      `invalid request ${JSON.stringify(event)} (${issues}); allowed: ${allowed}`,
    );
  }
  return r.data;
}
