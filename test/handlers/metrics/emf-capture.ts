/** Captures what a handler writes to stdout and returns the EMF documents (lines with `_aws`). */
import { vi } from 'vitest';

export interface EmfDocument {
  readonly _aws: {
    readonly Timestamp: number;
    readonly CloudWatchMetrics: readonly {
      readonly Namespace: string;
      readonly Dimensions: readonly (readonly string[])[];
      readonly Metrics: readonly { readonly Name: string; readonly Unit: string }[];
    }[];
  };
  readonly [key: string]: unknown;
}

export function captureEmf(): {
  documents: () => EmfDocument[];
  logs: () => Record<string, unknown>[];
  restore: () => void;
} {
  const lines: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    return true;
  });
  return {
    documents: () =>
      lines
        .map((line) => {
          try {
            return JSON.parse(line) as Record<string, unknown>;
          } catch {
            return undefined;
          }
        })
        .filter((doc): doc is EmfDocument => doc !== undefined && '_aws' in doc),
    /** Every JSON line that is not an EMF document (Powertools Logger records). */
    logs: () =>
      lines
        .map((line) => {
          try {
            return JSON.parse(line) as Record<string, unknown>;
          } catch {
            return undefined;
          }
        })
        .filter((doc): doc is Record<string, unknown> => doc !== undefined && !('_aws' in doc)),
    restore: () => spy.mockRestore(),
  };
}
