/**
 * The schema DSL: plain objects describing a provider, resource, data source or ephemeral
 * resource. `defineSchema` checks them once, at module load, because the CLI panics or refuses
 * the whole provider on a malformed schema and the message it prints does not point at our code.
 */
import type { CtyType } from '../cty';
import { assertValidCtyType } from './type-check';

export type DescriptionKind = 'plain' | 'markdown';

interface Documented {
  description?: string;
  /** Defaults to 'markdown' when the description contains backticks or links, else 'plain'. */
  descriptionKind?: DescriptionKind;
  /** `true` or a message telling users what to use instead. */
  deprecated?: boolean | string;
}

export interface AttributeSpec extends Documented {
  /** The attribute's value type. Exactly one of `type` and `nested` must be given. */
  type?: CtyType;
  /** Structural nested attributes (protocol 6 `nested_type`). */
  nested?: NestedAttributesSpec;
  required?: boolean;
  optional?: boolean;
  computed?: boolean;
  sensitive?: boolean;
  /** Accepted in config only; always planned and stored as null (Terraform ≥ 1.11). */
  writeOnly?: boolean;
  /** A change of this attribute's value forces replacement of the resource. */
  requiresReplace?: boolean;
  /**
   * For computed attributes: plan them as unknown on every update instead of keeping the
   * prior value (e.g. `updated_at`). The default keeps the prior value, which avoids
   * perpetual "known after apply" noise.
   */
  unknownOnUpdate?: boolean;
}

export type AttributeNesting = 'single' | 'list' | 'set' | 'map';

export interface NestedAttributesSpec {
  nesting: AttributeNesting;
  attributes: Record<string, AttributeSpec>;
}

export type BlockNesting = 'single' | 'list' | 'set' | 'map' | 'group';

export interface NestedBlockSpec {
  nesting: BlockNesting;
  block: BlockSpec;
  minItems?: number;
  maxItems?: number;
}

export interface BlockSpec extends Documented {
  attributes?: Record<string, AttributeSpec>;
  blocks?: Record<string, NestedBlockSpec>;
}

export interface SchemaSpec extends BlockSpec {
  /** The state schema version; bump it when stored state changes shape (see upgradeState). */
  version?: number;
}

/**
 * A validated schema. Create with `defineSchema`, which also records the spec's literal type
 * in `S` so that `Model<S>` (./model) can type the values of what uses the schema.
 */
export interface Schema<S extends SchemaSpec = SchemaSpec> {
  readonly kind: 'schema';
  readonly version: number;
  readonly block: BlockSpec;
  /** Type-level only, never set: the spec this schema was defined from. */
  readonly spec?: S;
}

export class SchemaDefinitionError extends Error {
  constructor(where: string, message: string) {
    super(`invalid schema at ${where}: ${message}`);
    this.name = 'SchemaDefinitionError';
  }
}

const NAME = /^[a-z_][a-z0-9_]*$/;

/**
 * Checks a schema spec and returns the schema. Write the spec inline (or `as const`) so its
 * attribute names and types are inferred: `required: true` then types the attribute as
 * never-null, `type: 'string'` as a `string`, and so on (see ./model).
 */
export function defineSchema<const S extends SchemaSpec>(spec: S): Schema<S> {
  const { version = 0, ...block } = spec;
  if (!Number.isSafeInteger(version) || version < 0) {
    throw new SchemaDefinitionError('version', 'must be a non-negative integer');
  }
  checkBlock(block, '(root)');
  return Object.freeze({ kind: 'schema' as const, version, block }) as Schema<S>;
}

function checkName(name: string, where: string): void {
  if (!NAME.test(name)) {
    throw new SchemaDefinitionError(where, `name "${name}" must use lowercase letters, digits and underscores`);
  }
  // These are meta-arguments in resource blocks; Terraform rejects attributes with these names.
  if (['count', 'for_each', 'depends_on', 'lifecycle', 'provider', 'connection', 'provisioner'].includes(name)) {
    throw new SchemaDefinitionError(where, `"${name}" is reserved by Terraform`);
  }
}

function checkBlock(block: BlockSpec, where: string): void {
  const attributes = block.attributes ?? {};
  const blocks = block.blocks ?? {};
  for (const [name, attribute] of Object.entries(attributes)) {
    const at = join(where, name);
    checkName(name, at);
    if (Object.prototype.hasOwnProperty.call(blocks, name)) {
      throw new SchemaDefinitionError(at, 'the name is used by an attribute and a block');
    }
    checkAttribute(attribute, at);
  }
  for (const [name, nested] of Object.entries(blocks)) {
    const at = join(where, name);
    checkName(name, at);
    checkNestedBlock(nested, at);
  }
}

function checkAttribute(attribute: AttributeSpec, where: string): void {
  const { required = false, optional = false, computed = false } = attribute;
  if (!required && !optional && !computed) {
    throw new SchemaDefinitionError(where, 'one of required, optional or computed must be set');
  }
  if (required && optional) throw new SchemaDefinitionError(where, 'required and optional are exclusive');
  if (required && computed) throw new SchemaDefinitionError(where, 'required and computed are exclusive');
  if ((attribute.type === undefined) === (attribute.nested === undefined)) {
    throw new SchemaDefinitionError(where, 'exactly one of type and nested must be set');
  }
  if (attribute.writeOnly) {
    if (computed) throw new SchemaDefinitionError(where, 'a write-only attribute cannot be computed');
    if (attribute.requiresReplace) {
      throw new SchemaDefinitionError(where, 'a write-only attribute is never stored, so it cannot force replacement');
    }
  }
  if (attribute.unknownOnUpdate && !computed) {
    throw new SchemaDefinitionError(where, 'unknownOnUpdate applies to computed attributes only');
  }
  if (attribute.type !== undefined) {
    try {
      assertValidCtyType(attribute.type);
    } catch (e) {
      throw new SchemaDefinitionError(where, (e as Error).message);
    }
  }
  if (attribute.nested) {
    const { nesting, attributes } = attribute.nested;
    if (!['single', 'list', 'set', 'map'].includes(nesting)) {
      throw new SchemaDefinitionError(where, `unknown nesting "${String(nesting)}"`);
    }
    for (const [name, inner] of Object.entries(attributes)) {
      const at = join(where, name);
      checkName(name, at);
      checkAttribute(inner, at);
      if (inner.writeOnly) throw new SchemaDefinitionError(at, 'write-only is supported on top-level attributes only');
    }
  }
}

function checkNestedBlock(nested: NestedBlockSpec, where: string): void {
  const { nesting, minItems = 0, maxItems = 0 } = nested;
  if (!['single', 'list', 'set', 'map', 'group'].includes(nesting)) {
    throw new SchemaDefinitionError(where, `unknown nesting "${String(nesting)}"`);
  }
  if (!Number.isSafeInteger(minItems) || !Number.isSafeInteger(maxItems) || minItems < 0 || maxItems < 0) {
    throw new SchemaDefinitionError(where, 'minItems and maxItems must be non-negative integers');
  }
  if (maxItems !== 0 && minItems > maxItems) throw new SchemaDefinitionError(where, 'minItems is greater than maxItems');
  if ((nesting === 'single' || nesting === 'group') && (minItems > 1 || maxItems > 1)) {
    throw new SchemaDefinitionError(where, `${nesting} blocks allow minItems/maxItems of 0 or 1 only`);
  }
  if ((nesting === 'map' || nesting === 'group') && (minItems !== 0 || maxItems !== 0)) {
    if (nesting === 'map') throw new SchemaDefinitionError(where, 'map blocks cannot have minItems/maxItems');
  }
  if (nesting === 'set' && containsDynamic(nested.block)) {
    throw new SchemaDefinitionError(where, 'set blocks cannot contain dynamic-typed attributes');
  }
  checkBlock(nested.block, where);
}

function containsDynamic(block: BlockSpec): boolean {
  const typeHasDynamic = (t: CtyType): boolean => t === 'dynamic' || (Array.isArray(t) && JSON.stringify(t).includes('"dynamic"'));
  for (const a of Object.values(block.attributes ?? {})) {
    if (a.type !== undefined && typeHasDynamic(a.type)) return true;
    if (a.nested && containsDynamic({ attributes: a.nested.attributes })) return true;
  }
  return Object.values(block.blocks ?? {}).some((b) => containsDynamic(b.block));
}

function join(where: string, name: string): string {
  return where === '(root)' ? name : `${where}.${name}`;
}
