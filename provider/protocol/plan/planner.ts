/**
 * The default plan for a managed resource, built from the CLI's proposed new state:
 * - create: computed attributes that config leaves null become unknown ("known after apply");
 * - update (only when something changed): proposed state already carries prior values of unset
 *   computed attributes, which we keep, except attributes flagged `unknownOnUpdate` and those
 *   that are null (nothing to keep: new list elements, values never set);
 * - write-only attributes are planned null (they live in config only);
 * - `requiresReplace` attributes whose value changed are reported for replacement, and so is
 *   every changed attribute of a resource that has no `update` method.
 * Resources refine the result in their `modifyPlan` hook.
 */
import { ctyEquals, isPlainObject, UNKNOWN, type CtyObject, type CtyType, type CtyValue } from '../cty';
import type { AttributePath } from '../diagnostics';
import type { AttributeSpec, BlockSpec } from '../schema/definition';
import { attributeType, blockType } from '../schema/implied-type';

export interface PlanInput {
  block: BlockSpec;
  prior: CtyObject | null;
  proposed: CtyObject | null;
  config: CtyObject | null;
  /** Whether the resource can update in place; without, every change replaces. */
  canUpdate: boolean;
}

export interface PlanOutput {
  planned: CtyObject | null;
  requiresReplace: AttributePath[];
}

export function defaultPlan(input: PlanInput): PlanOutput {
  const { block, prior, proposed, config, canUpdate } = input;
  if (proposed === null) return { planned: null, requiresReplace: [] };
  const planned = cloneObject(proposed);
  nullWriteOnly(block, planned);
  if (prior === null) {
    markComputedUnknown(block, planned, config, 'create');
    return { planned, requiresReplace: [] };
  }
  const changed = !ctyEquals(prior, planned, blockType(block));
  if (!changed) return { planned, requiresReplace: [] };
  markComputedUnknown(block, planned, config, 'update');
  const requiresReplace: AttributePath[] = [];
  for (const [name, attribute] of Object.entries(block.attributes ?? {})) {
    if (attribute.writeOnly) continue;
    const replaceable = attribute.requiresReplace || (!canUpdate && !isComputedOnly(attribute));
    if (!replaceable) continue;
    if (!ctyEquals(prior[name] ?? null, planned[name] ?? null, attributeType(attribute))) {
      requiresReplace.push([{ attribute: name }]);
    }
  }
  if (!canUpdate) {
    for (const [name, nested] of Object.entries(block.blocks ?? {})) {
      const type: CtyType = (blockType({ blocks: { [name]: nested } }) as ['object', Record<string, CtyType>])[1][name] ?? 'dynamic';
      if (!ctyEquals(prior[name] ?? null, planned[name] ?? null, type)) requiresReplace.push([{ attribute: name }]);
    }
  }
  return { planned, requiresReplace };
}

function isComputedOnly(a: AttributeSpec): boolean {
  return a.computed === true && !a.optional;
}

function nullWriteOnly(block: BlockSpec, planned: CtyObject): void {
  for (const [name, attribute] of Object.entries(block.attributes ?? {})) {
    if (attribute.writeOnly) planned[name] = null;
  }
}

/**
 * On create every unset computed attribute becomes unknown; on update only those flagged
 * `unknownOnUpdate`. Recurses into nested attributes and blocks by position (list), key (map)
 * or directly (single); set elements have no identity to match config with, so they are left
 * as proposed.
 */
function markComputedUnknown(block: BlockSpec, planned: CtyObject, config: CtyObject | null, mode: 'create' | 'update'): void {
  for (const [name, attribute] of Object.entries(block.attributes ?? {})) {
    const configValue = config === null ? null : (config[name] ?? null);
    if (attribute.computed && configValue === null) {
      // On update a computed value with nothing to keep (null in prior) may now be set.
      if (mode === 'create' || attribute.unknownOnUpdate || planned[name] === null) planned[name] = UNKNOWN;
      continue;
    }
    if (attribute.nested && attribute.nested.nesting !== 'set') {
      recurse({ attributes: attribute.nested.attributes }, attribute.nested.nesting, planned[name] ?? null, configValue, mode);
    }
  }
  for (const [name, nested] of Object.entries(block.blocks ?? {})) {
    if (nested.nesting === 'set') continue;
    const configValue = config === null ? null : (config[name] ?? null);
    recurse(nested.block, nested.nesting, planned[name] ?? null, configValue, mode);
  }
}

function recurse(block: BlockSpec, nesting: string, planned: CtyValue, config: CtyValue, mode: 'create' | 'update'): void {
  if (nesting === 'single' || nesting === 'group') {
    if (isPlainObject(planned)) markComputedUnknown(block, planned, isPlainObject(config) ? config : null, mode);
  } else if (nesting === 'list' && Array.isArray(planned)) {
    planned.forEach((element, i) => {
      const c = Array.isArray(config) ? (config[i] ?? null) : null;
      if (isPlainObject(element)) markComputedUnknown(block, element, isPlainObject(c) ? c : null, mode);
    });
  } else if (nesting === 'map' && planned instanceof Map) {
    for (const [k, element] of planned) {
      const c = config instanceof Map ? (config.get(k) ?? null) : null;
      if (isPlainObject(element)) markComputedUnknown(block, element, isPlainObject(c) ? c : null, mode);
    }
  }
}

/** Deep copy of the containers (leaf values are immutable), keeping null prototypes. */
export function cloneValue(value: CtyValue): CtyValue {
  if (Array.isArray(value)) return value.map(cloneValue);
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [k, cloneValue(v)]));
  if (isPlainObject(value)) return cloneObject(value);
  return value;
}

export function cloneObject(value: CtyObject): CtyObject {
  const out = Object.create(null) as CtyObject;
  for (const k of Object.keys(value)) {
    Object.defineProperty(out, k, { value: cloneValue(value[k] as CtyValue), enumerable: true, writable: true, configurable: true });
  }
  return out;
}
