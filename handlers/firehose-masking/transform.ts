/**
 * Firehose data transformation of SES event records, pure: one result per input record, same `recordId`,
 * `Ok` with the masked record, or `ProcessingFailed` with the original data for a record that is not base64,
 * not UTF-8 or not JSON (or, should masking itself fail, `maskingError`). Nothing is dropped and nothing throws.
 */
import { isUtf8 } from 'node:buffer';
import type { FirehoseTransformationEventRecord, FirehoseTransformationResultRecord } from 'aws-lambda';
import { maskJsonText, NotJsonError } from './mask.js';

/** Why a record came back `ProcessingFailed`. */
export type FailureReason = 'notBase64' | 'notUtf8' | 'notJson' | 'maskingError';

export interface MaskedRecord {
  readonly result: FirehoseTransformationResultRecord;
  /** Set when the record could not be masked (and is returned as it came). */
  readonly failure?: FailureReason;
}

export interface MaskedBatch {
  readonly records: FirehoseTransformationResultRecord[];
  readonly failed: number;
  readonly failures: Readonly<Record<FailureReason, number>>;
}

type InputRecord = Pick<FirehoseTransformationEventRecord, 'recordId' | 'data'>;

const EQUALS = 61;

/**
 * Strict base64 decode. Node's decoder skips characters it does not know; a length check catches that at no
 * cost (padding optional; the URL-safe alphabet decodes to the same length and is accepted).
 */
function decodeBase64(data: string): Buffer | null {
  const buf = Buffer.from(data, 'base64');
  let len = data.length;
  if (len > 0 && data.charCodeAt(len - 1) === EQUALS) len--;
  if (len > 0 && data.charCodeAt(len - 1) === EQUALS) len--;
  if (len % 4 === 1 || buf.length !== Math.floor((len * 3) / 4)) return null;
  return buf;
}

/** Masks one Firehose record (see the module comment). */
export function maskRecord(record: InputRecord): MaskedRecord {
  const failed = (failure: FailureReason): MaskedRecord => ({
    result: { recordId: record.recordId, result: 'ProcessingFailed', data: record.data },
    failure,
  });
  const buf = decodeBase64(record.data);
  if (buf === null) return failed('notBase64');
  const text = buf.toString('utf8');
  // the decoder turns invalid UTF-8 into U+FFFD: only then is the (fast, native) strict check needed
  if (text.includes('\uFFFD') && !isUtf8(buf)) return failed('notUtf8');
  let masked: string;
  try {
    masked = maskJsonText(text);
  } catch (error) {
    // one record never fails the batch: anything else (a RangeError, a bug) is this record's ProcessingFailed
    return failed(error instanceof NotJsonError ? 'notJson' : 'maskingError');
  }
  const data = masked === text ? record.data : Buffer.from(masked, 'utf8').toString('base64');
  return { result: { recordId: record.recordId, result: 'Ok', data } };
}

/** Masks a batch: results in input order, with failure counts for metrics and logs. */
export function maskRecords(records: readonly InputRecord[]): MaskedBatch {
  const failures: Record<FailureReason, number> = { notBase64: 0, notUtf8: 0, notJson: 0, maskingError: 0 };
  const out: FirehoseTransformationResultRecord[] = new Array(records.length);
  let failed = 0;
  for (let i = 0; i < records.length; i++) {
    const { result, failure } = maskRecord(records[i]!);
    out[i] = result;
    if (failure !== undefined) {
      failures[failure]++;
      failed++;
    }
  }
  return { records: out, failed, failures };
}
