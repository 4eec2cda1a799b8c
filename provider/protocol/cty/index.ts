// The cty value model and codecs of the plugin-protocol layer: type constraints, values (with unknowns and exact
// numbers), Terraform's msgpack and JSON wire forms. Knows nothing about any particular provider.
export { CtyError, formatCtyPath, type CtyPath, type CtyPathStep } from './errors';
export { resolveCtyPath, type TypedPathStep } from './path';
export {
  compareCodePoints,
  ctyTypeEquals,
  ctyTypeToJson,
  ctyTypeToJsonString,
  friendlyTypeName,
  isCollectionType,
  isPrimitiveType,
  objectAttributeNames,
  objectAttributeType,
  objectType,
  parseCtyType,
  validateCtyType,
  type CtyCollectionType,
  type CtyObjectType,
  type CtyPrimitiveType,
  type CtyType,
} from './types';
export { BigDecimal, BigDecimal as DecimalNumber, canonicalizeNumber, numberEquals, parseCtyNumber, type CtyNumber } from './numbers';
export {
  ctyObject,
  DynamicValue,
  isNullOrUnknown,
  isPlainObject,
  isUnknown,
  isWhollyKnown,
  UNKNOWN,
  Unknown,
  type CtyObject,
  type CtyValue,
  type Refinements,
} from './values';
export { ctyEquals } from './equality';
export { impliedTypeOf } from './implied-type';
export { decodeMsgpack, encodeMsgpack } from './msgpack';
export { decodeJsonValue, encodeJsonValue, type DecodeJsonOptions } from './json';
