/** Converts our schema DSL to the tfplugin6 `Schema` message (as plain objects for the gRPC server). */
import type { AttributeSpec, BlockSpec, DescriptionKind, NestedBlockSpec, Schema } from './definition';
import type { ProtoAttribute, ProtoBlock, ProtoSchema } from '../proto/messages';

const ATTRIBUTE_NESTING = { single: 1, list: 2, set: 3, map: 4 } as const;
const BLOCK_NESTING = { single: 1, list: 2, set: 3, map: 4, group: 5 } as const;

export function schemaToProto(schema: Schema): ProtoSchema {
  return { version: String(schema.version), block: blockToProto(schema.block) };
}

function kind(description: string | undefined, explicit: DescriptionKind | undefined): number {
  if (explicit) return explicit === 'markdown' ? 1 : 0;
  return description !== undefined && /[`*[\]]/.test(description) ? 1 : 0;
}

function deprecation(value: boolean | string | undefined): { deprecated: boolean; deprecation_message: string } {
  return { deprecated: value !== undefined && value !== false, deprecation_message: typeof value === 'string' ? value : '' };
}

function blockToProto(block: BlockSpec): ProtoBlock {
  return {
    version: '0',
    attributes: Object.entries(block.attributes ?? {}).map(([name, a]) => attributeToProto(name, a)),
    block_types: Object.entries(block.blocks ?? {}).map(([name, b]) => nestedBlockToProto(name, b)),
    description: block.description ?? '',
    description_kind: kind(block.description, block.descriptionKind),
    ...deprecation(block.deprecated),
  };
}

function attributeToProto(name: string, a: AttributeSpec): ProtoAttribute {
  const description =
    a.deprecated && typeof a.deprecated === 'string' && !a.description ? `Deprecated: ${a.deprecated}` : (a.description ?? '');
  return {
    name,
    type: a.type !== undefined ? Buffer.from(JSON.stringify(a.type)) : Buffer.alloc(0),
    nested_type: a.nested
      ? {
          attributes: Object.entries(a.nested.attributes).map(([n, inner]) => attributeToProto(n, inner)),
          nesting: ATTRIBUTE_NESTING[a.nested.nesting],
        }
      : null,
    description,
    required: a.required ?? false,
    optional: a.optional ?? false,
    computed: a.computed ?? false,
    sensitive: a.sensitive ?? false,
    description_kind: kind(a.description, a.descriptionKind),
    write_only: a.writeOnly ?? false,
    ...deprecation(a.deprecated),
  };
}

function nestedBlockToProto(name: string, b: NestedBlockSpec): ProtoBlock['block_types'][number] {
  return {
    type_name: name,
    block: blockToProto(b.block),
    nesting: BLOCK_NESTING[b.nesting],
    min_items: String(b.minItems ?? 0),
    max_items: String(b.maxItems ?? 0),
  };
}
