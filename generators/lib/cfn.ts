/**
 * The types of template fragments. A template is plain JSON from the first property to the rendered file:
 * intrinsic functions are the JSON objects CloudFormation reads (`{ Ref }`, `{ 'Fn::GetAtt' }`, ...), never
 * cloudform-types' `IntrinsicFunction` class instances.
 *
 * cloudform-types is used for what it is good at, the property types of every resource type, through
 * `Props<P>`: the same shape with each `Value<T>`/`List<T>` (`T | IntrinsicFunction`) read as `T | Intrinsic`,
 * and each `any` it declares (policy documents, free-form maps) read as `CfnValue`. So a resource's properties
 * are checked against the resource type without a cast and without cloudform's classes in the output.
 */
import type { MetricDataQuery as MetricDataQueryClass } from 'cloudform-types/types/cloudWatch/alarm';
import type { IntrinsicFunction } from 'cloudform-types/types/dataTypes';

/** Any value a template holds: JSON, where an object may be an intrinsic function. */
export type CfnValue = string | number | boolean | null | readonly CfnValue[] | CfnObject;
/** A JSON object of a template (`undefined` members are left out when the template is written). */
export type CfnObject = { readonly [key: string]: CfnValue | undefined };

export type Ref = { readonly Ref: string };
export type GetAtt = { readonly 'Fn::GetAtt': readonly [logicalId: string, attribute: string] };
export type Sub = {
  readonly 'Fn::Sub': string | readonly [template: string, variables: { readonly [name: string]: CfnValue }];
};
export type Join = { readonly 'Fn::Join': readonly [delimiter: string, values: CfnValue] };
export type Select = { readonly 'Fn::Select': readonly [index: number | string, values: CfnValue] };
export type Split = { readonly 'Fn::Split': readonly [delimiter: string, value: CfnValue] };
export type If = { readonly 'Fn::If': readonly [condition: string, ifTrue: CfnValue, ifFalse: CfnValue] };
export type ImportValue = { readonly 'Fn::ImportValue': CfnValue };
export type Base64 = { readonly 'Fn::Base64': CfnValue };
export type GetAZs = { readonly 'Fn::GetAZs': CfnValue };
export type FindInMap = { readonly 'Fn::FindInMap': readonly [CfnValue, CfnValue, CfnValue] };
export type Equals = { readonly 'Fn::Equals': readonly [CfnValue, CfnValue] };
export type Not = { readonly 'Fn::Not': readonly [CfnValue] };
export type And = { readonly 'Fn::And': readonly CfnValue[] };
export type Or = { readonly 'Fn::Or': readonly CfnValue[] };

/** An intrinsic function, as JSON. */
export type Intrinsic =
  | Ref
  | GetAtt
  | Sub
  | Join
  | Select
  | Split
  | If
  | ImportValue
  | Base64
  | GetAZs
  | FindInMap
  | Equals
  | Not
  | And
  | Or;

/** A string-valued property: a literal or an intrinsic that resolves to one (an ARN, a name). */
export type CfnString = string | Intrinsic;

type IsAny<T> = 0 extends 1 & T ? true : false;

/**
 * cloudform-types' property type `P` as plain JSON: `IntrinsicFunction` -> `Intrinsic`, `any` -> `CfnValue`,
 * arrays and objects member by member. Types that are JSON already are kept as they are.
 */
export type Props<P> =
  IsAny<P> extends true
    ? CfnValue
    : P extends IntrinsicFunction
      ? Intrinsic
      : P extends CfnValue
        ? P
        : P extends readonly (infer U)[]
          ? readonly Props<U>[]
          : P extends object
            ? { [K in keyof P]: Props<P[K]> }
            : P;

export type DeletionPolicy = 'Retain' | 'Delete';

/** A resource as the template holds it. */
export interface CfnResource {
  readonly Type: string;
  readonly Condition?: string;
  readonly DependsOn?: string | readonly string[];
  readonly Metadata?: CfnObject;
  readonly DeletionPolicy?: DeletionPolicy;
  readonly UpdateReplacePolicy?: DeletionPolicy;
  readonly Properties: CfnObject;
}

/** One statement of an IAM policy, key policy, bucket or topic policy. */
export type PolicyStatement = {
  readonly Sid?: string;
  readonly Effect: string;
  readonly Principal?: CfnValue;
  readonly NotPrincipal?: CfnValue;
  readonly Action?: string | readonly string[];
  readonly NotAction?: string | readonly string[];
  readonly Resource?: CfnValue;
  readonly NotResource?: CfnValue;
  readonly Condition?: CfnObject;
};

/** An IAM policy document. */
export type PolicyDocument = {
  readonly Version: '2012-10-17';
  readonly Statement: readonly PolicyStatement[];
};

/** One entry of an alarm's `Metrics` (metric math). */
export type MetricDataQuery = Props<MetricDataQueryClass>;

const INTRINSIC_KEYS = new Set([
  'Ref',
  'Fn::GetAtt',
  'Fn::Sub',
  'Fn::Join',
  'Fn::Select',
  'Fn::Split',
  'Fn::If',
  'Fn::ImportValue',
  'Fn::Base64',
  'Fn::GetAZs',
  'Fn::FindInMap',
  'Fn::Equals',
  'Fn::Not',
  'Fn::And',
  'Fn::Or',
]);

/**
 * Is `value` an intrinsic function (an object with exactly one key, the function's name)? The narrowing point for
 * values typed loosely elsewhere, e.g. the function environment contracts (`contracts/functions/`), which handlers
 * bundle and which therefore do not import these types.
 */
export function isIntrinsic(value: unknown): value is Intrinsic {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && INTRINSIC_KEYS.has(keys[0] ?? '');
}
