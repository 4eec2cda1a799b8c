// Kept for existing imports: the value reader lives in the protocol layer (one reader for
// every provider); `configString`/`configNumber` are its knownString/knownNumber.
export { knownNumber as configNumber, knownString as configString } from '../protocol/values/reader';
