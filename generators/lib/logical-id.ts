/**
 * Logical ids written once. A stack declares its ids in one place (`const ID = logicalIds('StateTable', ...)`)
 * and every `Ref`, `Fn::GetAtt`, `Fn::Sub` variable, `DependsOn` and resource key goes through the handle: a
 * misspelt id is a compile error, and `checkReferences` (references.ts) refuses at generate time any reference
 * the rendered template does not declare (ids built from data, such as a lambda's prefix, included).
 */
import type { GetAtt, Ref, Sub } from './cfn.js';

/** One resource's logical id and the references to it. */
export class LogicalId<Id extends string = string> {
  constructor(readonly id: Id) {}

  /** `{ Ref: id }`. */
  get ref(): Ref {
    return { Ref: this.id };
  }

  /** `{ 'Fn::GetAtt': [id, 'Arn'] }`. */
  get arn(): GetAtt {
    return this.getAtt('Arn');
  }

  getAtt(attribute: string): GetAtt {
    return { 'Fn::GetAtt': [this.id, attribute] };
  }

  /** The `${id}` (or `${id.attribute}`) variable of an `Fn::Sub` template. */
  sub(attribute?: string): string {
    return attribute === undefined ? `\${${this.id}}` : `\${${this.id}.${attribute}}`;
  }

  /** `Fn::Sub` of the resource's ARN followed by `suffix`, e.g. `${Bucket.Arn}/*`. */
  arnSub(suffix: string): Sub {
    return { 'Fn::Sub': `${this.sub('Arn')}${suffix}` };
  }

  /** `id` followed by `suffix`: the id of a resource that belongs to this one (`<Key>Alias`, `<Fn>Role`). */
  with<const S extends string>(suffix: S): LogicalId<`${Id}${S}`> {
    return new LogicalId(`${this.id}${suffix}`);
  }

  toString(): string {
    return this.id;
  }
}

/** The logical ids of a stack, each written once: `ID.StateTable.ref`, `resources[ID.StateTable.id] = ...`. */
export function logicalIds<const K extends string>(...ids: K[]): { readonly [P in K]: LogicalId<P> } {
  // The one cast: Object.fromEntries types its keys as string; each key here is its own LogicalId<P>.
  return Object.fromEntries(ids.map((id) => [id, new LogicalId(id)])) as { readonly [P in K]: LogicalId<P> };
}

/** A logical id built from data (a function prefix, a severity), checked at generate time rather than compile time. */
export const logicalId = <Id extends string>(id: Id): LogicalId<Id> => new LogicalId(id);
