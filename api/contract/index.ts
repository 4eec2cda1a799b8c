// The API contract: every operation of /api/v1 with the schemas of what it reads and returns.
// The routes (api/app.ts) are mounted from this list, validate with its schemas, and the OpenAPI
// document (api/openapi/document.ts) is generated from it.
import { auditOperations } from './audit';
import { meOperations } from './me';
import { metaOperations } from './meta';
import type { Operation } from './operation';
import { serviceAccountOperations } from './service-accounts';
import { sessionOperations } from './sessions';
import { teamOperations } from './teams';
import { tokenOperations } from './tokens';
import { userOperations } from './users';

export interface ContractOptions {
  /** The operator's maximum personal token lifetime (TESSERA_PAT_MAX_DAYS). */
  patMaxDays: number;
}

export function apiOperations(options: ContractOptions) {
  const operations = [
    ...meOperations(),
    ...tokenOperations(options.patMaxDays),
    ...serviceAccountOperations(),
    ...userOperations(),
    ...teamOperations(),
    ...auditOperations(),
    ...sessionOperations(),
    ...metaOperations(options.patMaxDays),
  ] satisfies Operation[];
  return operations;
}

export type { Operation } from './operation';
