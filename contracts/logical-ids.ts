/**
 * Logical ids derived from operator input (today: the SES domain identities). Two distinct inputs never map to
 * one id, by construction, and the ids of the names used today do not change (a changed logical id makes
 * CloudFormation delete the old resource: for an SES identity, the live identity of a domain).
 *
 * - A domain whose labels all start with a letter and hold only letters and digits keeps the PascalCase id it
 *   always had: `goo.ne.jp` -> `GooNeJpIdentity`, `dev.goo.ne.jp` -> `DevGooNeJpIdentity`. The capitals mark
 *   exactly where labels start, so the domain can be read back from the id: no two such domains share an id.
 * - Any other domain (a hyphen, a label starting with a digit) is spelled out letter by letter after a lower-case
 *   `x`, with `D` for a dot and `H` for a hyphen: `dev-goo.ne.jp` -> `xdevHgooDneDjpIdentity`. Domains are
 *   lower case, so this too can be read back; and these ids start with a lower-case letter where the first kind
 *   starts with a capital, so the two kinds never meet.
 */

/** CloudFormation's longest logical id. */
export const MAX_LOGICAL_ID_LENGTH = 255;

const SIMPLE_LABEL = /^[a-z][a-z0-9]*$/;
const DOMAIN = /^[a-z0-9.-]+$/;

/** Logical id of the SES email identity of `domain` (a lower-case DNS name, as the config schema checks). */
export function identityLogicalId(domain: string): string {
  if (!DOMAIN.test(domain)) throw new Error(`"${domain}" is not a lower-case DNS domain name`);
  const labels = domain.split('.');
  const body = labels.every((l) => SIMPLE_LABEL.test(l))
    ? labels.map((l) => l[0]!.toUpperCase() + l.slice(1)).join('')
    : `x${domain.replace(/\./g, 'D').replace(/-/g, 'H')}`;
  const id = `${body}Identity`;
  if (id.length > MAX_LOGICAL_ID_LENGTH) {
    throw new Error(
      `the domain "${domain}" is too long for a CloudFormation logical id (${id.length} > ${MAX_LOGICAL_ID_LENGTH} characters)`,
    );
  }
  return id;
}

/**
 * Adds `value` under `id` to `record`, refusing to replace what another input put there (belt and braces for
 * ids derived from input: a silent overwrite would drop a resource from the template).
 */
export function addUnique<T>(
  record: Record<string, T>,
  id: string,
  value: T,
  input: string,
  inputs: Map<string, string>,
): void {
  const previous = inputs.get(id);
  if (previous !== undefined || Object.hasOwn(record, id)) {
    throw new Error(
      `logical id ${id} would be used twice: by ${previous ?? 'another resource'} and by ${input}`,
    );
  }
  inputs.set(id, input);
  record[id] = value;
}
