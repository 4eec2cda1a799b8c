/** The cty type of the values Terraform sends for a block: what DynamicValues decode against. */
import type { CtyType } from '../cty';
import type { AttributeSpec, BlockSpec, NestedAttributesSpec } from './definition';

export function blockType(block: BlockSpec): CtyType {
  const attrs: Record<string, CtyType> = Object.create(null) as Record<string, CtyType>;
  for (const [name, attribute] of Object.entries(block.attributes ?? {})) attrs[name] = attributeType(attribute);
  for (const [name, nested] of Object.entries(block.blocks ?? {})) {
    const inner = blockType(nested.block);
    switch (nested.nesting) {
      case 'single':
      case 'group':
        attrs[name] = inner;
        break;
      case 'list':
        attrs[name] = ['list', inner];
        break;
      case 'set':
        attrs[name] = ['set', inner];
        break;
      case 'map':
        attrs[name] = ['map', inner];
        break;
    }
  }
  return ['object', attrs];
}

export function attributeType(attribute: AttributeSpec): CtyType {
  if (attribute.nested) return nestedAttributesType(attribute.nested);
  if (attribute.type === undefined) throw new Error('attribute has neither type nor nested');
  return attribute.type;
}

function nestedAttributesType(nested: NestedAttributesSpec): CtyType {
  const object = blockType({ attributes: nested.attributes });
  switch (nested.nesting) {
    case 'single':
      return object;
    case 'list':
      return ['list', object];
    case 'set':
      return ['set', object];
    case 'map':
      return ['map', object];
  }
}
