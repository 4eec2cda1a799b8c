/**
 * The TypeScript type of a resource's values, inferred from its schema spec, so that a
 * resource reads `config.name` as a `string` instead of a loose cty value.
 *
 * The runtime values are cty values (see ../cty): strings, booleans, `CtyNumber`s (a `number`,
 * or a `bigint`/`BigDecimal` when no double holds the value exactly), arrays for lists and sets,
 * `Map`s for maps, null-prototype objects for objects. These types describe them, per phase:
 *
 * | phase         | where                                       | required | optional  | computed                 |
 * |---------------|---------------------------------------------|----------|-----------|--------------------------|
 * | `state`       | read, delete, prior, import                 | T \| null | T \| null | T \| null             |
 * | `config`      | create/update config, data source, ephemeral | T        | T \| null | T \| null                |
 * | `plan`        | create/update `planned`                     | T        | T \| null | T \| null \| Unknown      |
 * | `unresolved`  | validate, configure, modifyPlan             | T \| Unknown | T \| null \| Unknown (at any depth) |
 *
 * State may lack even a required attribute: an import stub sets only what `read` needs, and
 * `read` runs on it before the first plan. Write-only attributes are null everywhere except
 * in config. A schema whose spec is not a
 * literal (the plain `Schema` type) gives the untyped `CtyObject`, as before.
 */
import type { CtyNumber, CtyObject, CtyValue, Unknown } from '../cty';
import type { AttributeSpec, BlockSpec, NestedBlockSpec, SchemaSpec } from './definition';

export type Phase = 'state' | 'config' | 'plan' | 'unresolved';

/** Unknown may appear at any depth only while values are unresolved. */
type Deep<M extends Phase, V> = M extends 'unresolved' ? V | Unknown : V;

type Flatten<T> = { [K in keyof T]: T[K] };

/** The value of a cty type constraint. */
export type TypeValue<T, M extends Phase = 'state'> = T extends 'string'
  ? string
  : T extends 'bool'
    ? boolean
    : T extends 'number'
      ? CtyNumber
      : T extends readonly ['list' | 'set', infer E]
        ? Array<Deep<M, TypeValue<E, M>>>
        : T extends readonly ['map', infer E]
          ? Map<string, Deep<M, TypeValue<E, M>>>
          : T extends readonly ['object', infer A, ...unknown[]]
            ? string extends keyof A
              ? CtyObject
              : Flatten<{ -readonly [K in keyof A]: Deep<M, TypeValue<A[K], M> | null> }>
            : CtyValue;

type NestedValue<N, M extends Phase> = N extends { nesting: infer Nesting; attributes: infer A }
  ? Nesting extends 'single'
    ? AttributesModel<A, M>
    : Nesting extends 'list' | 'set'
      ? Array<Deep<M, AttributesModel<A, M>>>
      : Nesting extends 'map'
        ? Map<string, Deep<M, AttributesModel<A, M>>>
        : CtyValue
  : CtyValue;

/** The value an attribute holds when it is set. */
export type AttributeValue<A, M extends Phase = 'state'> = A extends { nested: infer N }
  ? NestedValue<N, M>
  : A extends { type: infer T }
    ? TypeValue<T, M>
    : CtyValue;

/** Whether an attribute may be null or unknown in a phase. */
type Presence<A, M extends Phase, V> = A extends { writeOnly: true }
  ? M extends 'config'
    ? Required<A, V>
    : M extends 'unresolved'
      ? Required<A, V> | Unknown
      : null
  : M extends 'unresolved'
    ? Required<A, V> | Unknown
    : M extends 'plan'
      ? A extends { computed: true }
        ? V | null | Unknown
        : Required<A, V>
      : M extends 'state'
        ? V | null
        : Required<A, V>;

type Required<A, V> = A extends { required: true } ? V : V | null;

type AttributesModel<A, M extends Phase> = string extends keyof A
  ? CtyObject
  : { -readonly [K in keyof A]: Presence<A[K], M, AttributeValue<A[K], M>> };

type BlockValue<B, M extends Phase> = B extends { nesting: infer Nesting; block: infer Inner }
  ? Nesting extends 'single'
    ? BlockModel<Inner, M> | null
    : Nesting extends 'group'
      ? BlockModel<Inner, M>
      : Nesting extends 'list' | 'set'
        ? Array<BlockModel<Inner, M>>
        : Nesting extends 'map'
          ? Map<string, BlockModel<Inner, M>>
          : CtyValue
  : CtyValue;

type BlocksModel<B, M extends Phase> = string extends keyof B ? CtyObject : { -readonly [K in keyof B]: BlockValue<B[K], M> };

type BlockModel<S, M extends Phase> = Flatten<
  (S extends { attributes: infer A } ? AttributesModel<A, M> : unknown) & (S extends { blocks: infer B } ? BlocksModel<B, M> : unknown)
>;

/** The typed value of a whole resource (or provider, data source, ephemeral resource) in a phase. */
export type Model<S extends SchemaSpec | BlockSpec, M extends Phase = 'state'> = IsWide<S> extends true ? CtyObject : BlockModel<S, M>;

type IsWide<S> = S extends { attributes?: infer A }
  ? A extends Record<string, AttributeSpec> | undefined
    ? string extends keyof NonNullable<A>
      ? true
      : S extends { blocks?: infer B }
        ? B extends Record<string, NestedBlockSpec> | undefined
          ? string extends keyof NonNullable<B>
            ? true
            : false
          : false
        : false
    : false
  : false;

/** What create, update, read and import may return: any subset of the state. */
export type ModelResult<S extends SchemaSpec> = IsWide<S> extends true ? Partial<CtyObject> : Partial<Model<S, 'state'>>;

/** `Model` of a defined schema: `ModelOf<typeof mySchema, 'config'>`. */
export type ModelOf<Sch, M extends Phase = 'state'> = Sch extends { readonly spec?: infer S }
  ? S extends SchemaSpec
    ? Model<S, M>
    : CtyObject
  : CtyObject;
