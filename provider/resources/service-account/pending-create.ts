// A service-account create whose outcome is unknown: the request may have reached the API and
// made the account (and its token), but no answer came back through any retry. An account left
// behind would be a live credential nobody holds, so the resource records what it sent (the
// Idempotency-Key and the body) in its private state, and the next refresh re-sends that create
// with the same key: within the API's idempotency window this returns the account the first
// request made (secret included), or makes it now if the first never arrived; either way exactly
// one account, which Terraform then holds as tainted and replaces (deleting it) unless untainted.
import { error, warning, type Diagnostic } from '../../protocol/diagnostics';
import type { PrivateState } from '../../protocol/values/private-state';
import type { CreatedServiceAccount, CreateServiceAccountRequest } from '../../tessera/api-types';
import type { TesseraClient } from '../../tessera/client';
import { TesseraApiError } from '../../tessera/errors';

export interface PendingAccountCreate {
  idempotency_key: string;
  /** The exact body sent, so a replay matches the API's fingerprint of the first request. */
  request: CreateServiceAccountRequest;
  started_at: string;
}

interface PrivateData {
  pending_account_create?: PendingAccountCreate;
}

export function readPendingCreate(priv: PrivateState): PendingAccountCreate | null {
  let data: PrivateData | null;
  try {
    data = priv.getJson<PrivateData>();
  } catch {
    return null;
  }
  const pending = data?.pending_account_create;
  if (!pending || typeof pending.idempotency_key !== 'string' || typeof pending.request?.name !== 'string') return null;
  return pending;
}

export function writePendingCreate(priv: PrivateState, pending: PendingAccountCreate): void {
  priv.setJson({ pending_account_create: pending } satisfies PrivateData);
}

export function clearPendingCreate(priv: PrivateState): void {
  priv.set(null);
}

function lookup(pending: PendingAccountCreate): string {
  return `GET /api/v1/service-accounts?name=${encodeURIComponent(pending.request.name)} (created at about ${pending.started_at})`;
}

export function unknownOutcomeDiagnostic(failure: unknown, pending: PendingAccountCreate, endpoint: string): Diagnostic {
  const reason = failure instanceof Error ? failure.message : 'unexpected failure';
  return error(
    'Outcome of creating the service account is unknown',
    `The request to create the service account "${pending.request.name}" may have reached the Tessera API at ${endpoint}, but no answer came back: ${reason}. ` +
      `The account, and its token, may exist; ${lookup(pending)} lists it. Terraform keeps this resource as tainted. ` +
      'The next plan or apply settles it before anything else: it re-sends the same create (same Idempotency-Key), which returns the account the first request made ' +
      'if it arrived and makes it otherwise; the tainted account is then replaced (and so deleted). Run it soon: the API recognises the key only within its idempotency window.',
  );
}

/** Re-sends the create; null when the API refuses it (so the first request made nothing). Other failures are thrown. */
export async function settlePendingCreate(client: TesseraClient, pending: PendingAccountCreate): Promise<CreatedServiceAccount | null> {
  try {
    return await client.createServiceAccount(pending.request, pending.idempotency_key);
  } catch (failure) {
    // A replay is answered before the body is validated again, so a 422 means the key is not
    // known: the first request never made the account (within the window).
    if (failure instanceof TesseraApiError && failure.status === 422) return null;
    throw failure;
  }
}

export function settledDiagnostic(settled: CreatedServiceAccount | null, pending: PendingAccountCreate): Diagnostic {
  const what = `The create of the service account "${pending.request.name}" in an earlier run (at ${pending.started_at}) had an unknown outcome.`;
  if (settled === null) {
    return warning(
      'Interrupted service account create had no effect',
      `${what} Sent again, it was refused, so the first request made no account; the resource left the state and this plan creates it anew.`,
    );
  }
  return warning(
    'Recovered the service account of an interrupted create',
    `${what} Sent again with the same Idempotency-Key, it answered with the account (id ${settled.id}) and its token. The resource is tainted, so this plan replaces it ` +
      'and deletes the recovered account; run terraform untaint on the resource before applying to keep it instead.',
  );
}
