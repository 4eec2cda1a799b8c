// The two optional markers a client may put on a personal access token it creates, and the list
// filters on them. Neither is secret: they say which tool made a token and let that tool find a
// token whose create response it never received.
import { z } from 'zod';
import { parseOrProblem } from '../http/validation';
import type { TokenFilter } from './repository';

export const CREATED_VIA_MAX = 100;
export const CLIENT_REFERENCE_MAX = 128;

const createdViaMessage = `must be 1 to ${CREATED_VIA_MAX} printable ASCII characters, not starting or ending with a space`;
const clientReferenceMessage = `must be 1 to ${CLIENT_REFERENCE_MAX} printable ASCII characters without spaces`;

/** e.g. `terraform-provider-tessera/0.1.0`. */
export const createdViaSchema = z
  .string({ error: createdViaMessage })
  .regex(new RegExp(`^[\\x21-\\x7e](?:[\\x20-\\x7e]{0,${CREATED_VIA_MAX - 2}}[\\x21-\\x7e])?$`), { error: createdViaMessage });

/** An opaque value chosen by the client for one create, e.g. a UUID; unique per user. */
export const clientReferenceSchema = z
  .string({ error: clientReferenceMessage })
  .regex(new RegExp(`^[\\x21-\\x7e]{1,${CLIENT_REFERENCE_MAX}}$`), { error: clientReferenceMessage });

/** Body fields of a create (both optional). */
export const clientMarkerFields = {
  created_via: createdViaSchema.optional(),
  client_reference: clientReferenceSchema.optional(),
};

const filterSchema = z.object({
  created_via: createdViaSchema.optional(),
  client_reference: clientReferenceSchema.optional(),
});

/** Reads ?created_via and ?client_reference (422 naming the field when malformed or repeated). */
export function parseTokenFilter(query: Record<string, unknown>): TokenFilter {
  const parsed = parseOrProblem(filterSchema, { created_via: query['created_via'], client_reference: query['client_reference'] }, 'query');
  const filter: TokenFilter = {};
  if (parsed.created_via !== undefined) filter.createdVia = parsed.created_via;
  if (parsed.client_reference !== undefined) filter.clientReference = parsed.client_reference;
  return filter;
}
