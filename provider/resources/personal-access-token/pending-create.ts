// A create whose outcome is unknown: the request may have reached the API and made the token,
// but no answer came back through any retry. The resource then records, in its private state,
// what it sent (the Idempotency-Key, the body and the client_reference the token carries), and
// the next refresh settles it:
//
//   1. re-send the same create with the same Idempotency-Key. Within the API's idempotency
//      window this returns the original token (same id, same secret) if the first create
//      landed, or makes it now if it never arrived: either way exactly one token;
//   2. after the window the API has forgotten the key, but the client_reference is unique per
//      user, so the re-sent create is refused (409 client-reference-in-use) instead of making a
//      second token, and the token is looked up by its client_reference (metadata, no secret);
//   3. found nowhere: the first create never took effect; the resource leaves the state.
//
// Terraform keeps the failed create as a tainted object, so the settled token is replaced (its
// destroy revokes it) unless the user untaints it: nothing is left behind and nothing is doubled.
import { error, warning, type Diagnostic } from '../../protocol/diagnostics';
import type { PrivateState } from '../../protocol/values/private-state';
import type { CreatedToken, CreateTokenRequest, TokenMetadata } from '../../tessera/api-types';
import type { TesseraClient } from '../../tessera/client';
import { TesseraApiError } from '../../tessera/errors';

const CLIENT_REFERENCE_IN_USE = 'urn:tessera:problem:client-reference-in-use';
const LIST_PATH = '/api/v1/personal-access-tokens';

export interface PendingCreate {
  idempotency_key: string;
  client_reference: string;
  /** The exact body sent, so a replay matches the API's fingerprint of the first request. */
  request: CreateTokenRequest & { client_reference: string };
  started_at: string;
}

interface PrivateData {
  pending_create?: PendingCreate;
}

export function readPendingCreate(priv: PrivateState): PendingCreate | null {
  let data: PrivateData | null;
  try {
    data = priv.getJson<PrivateData>();
  } catch {
    return null;
  }
  const pending = data?.pending_create;
  if (!pending || typeof pending.idempotency_key !== 'string' || typeof pending.client_reference !== 'string') return null;
  if (typeof pending.request?.name !== 'string' || typeof pending.request.expiration_days !== 'number') return null;
  return pending;
}

export function writePendingCreate(priv: PrivateState, pending: PendingCreate): void {
  priv.setJson({ pending_create: pending } satisfies PrivateData);
}

export function clearPendingCreate(priv: PrivateState): void {
  priv.set(null);
}

export function lookupQuery(clientReference: string): string {
  return `GET ${LIST_PATH}?client_reference=${encodeURIComponent(clientReference)}`;
}

export function unknownOutcomeDiagnostic(failure: unknown, pending: PendingCreate, endpoint: string): Diagnostic {
  const reason = failure instanceof Error ? failure.message : 'unexpected failure';
  return error(
    'Outcome of creating the personal access token is unknown',
    `The request to create the token "${pending.request.name}" may have reached the Tessera API at ${endpoint}, but no answer came back: ${reason}. ` +
      `The token may exist. It carries client_reference ${pending.client_reference}; find it with ${lookupQuery(pending.client_reference)}. ` +
      'Terraform keeps this resource as tainted. The next plan or apply settles it before anything else: it re-sends the same create ' +
      '(same Idempotency-Key), which returns the original token if the first request arrived and makes it otherwise, or finds the token by its ' +
      'client_reference; the tainted token is then replaced (and so revoked). No token is left behind and none is made twice.',
  );
}

export type SettledCreate = { kind: 'created'; token: CreatedToken } | { kind: 'found'; token: TokenMetadata } | { kind: 'absent' };

/** Settles a pending create (see the file comment); throws the client's error when the API cannot answer. */
export async function settlePendingCreate(client: TesseraClient, pending: PendingCreate): Promise<SettledCreate> {
  try {
    return { kind: 'created', token: await client.createPersonalAccessToken(pending.request, pending.idempotency_key) };
  } catch (failure) {
    // Only "that reference exists already" (the window has passed) and "this request is not
    // valid any more" (e.g. a lowered maximum lifetime) lead to the lookup; a 409 for the key
    // itself means the first request is still being processed: try again later.
    const lookUp =
      failure instanceof TesseraApiError &&
      ((failure.status === 409 && failure.problemType === CLIENT_REFERENCE_IN_USE) || failure.status === 422);
    if (!lookUp) throw failure;
  }
  return findByReference(client, pending.client_reference);
}

/** The token a pending create made, looked up by its client_reference only (no create). */
export async function findByReference(client: TesseraClient, clientReference: string): Promise<SettledCreate> {
  const [found] = await client.listPersonalAccessTokens({ client_reference: clientReference });
  return found ? { kind: 'found', token: found } : { kind: 'absent' };
}

export function settledDiagnostic(settled: SettledCreate, pending: PendingCreate): Diagnostic {
  const what = `The create of the token "${pending.request.name}" (client_reference ${pending.client_reference}) in an earlier run had an unknown outcome.`;
  if (settled.kind === 'absent') {
    return warning(
      'Interrupted personal access token create had no effect',
      `${what} No such token exists in Tessera (it never arrived, or was revoked or expired since), so the resource left the state and this plan creates the token anew.`,
    );
  }
  const secret =
    settled.kind === 'created'
      ? 'Its secret was recovered.'
      : 'The idempotency window has passed, so its secret cannot be recovered: token stays null.';
  return warning(
    'Recovered the personal access token of an interrupted create',
    `${what} The token exists with id ${settled.token.id}. ${secret} The resource is tainted, so this plan replaces it and revokes the recovered token; ` +
      'run terraform untaint on the resource before applying to keep it instead.',
  );
}
