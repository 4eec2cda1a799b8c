// Who is calling, as evaluated for this request: the token (or session) and the user's teams as
// they are now, or the service account.
import type { Role } from '../contract/primitives';

export interface TeamMembership {
  id: string;
  name: string;
  role: Role;
}

export type CredentialType = 'personal_access_token' | 'service_account' | 'session';

export interface UserIdentity {
  id: string;
  email: string;
  name: string;
  teams: TeamMembership[];
}

export interface ServiceAccountIdentity {
  id: string;
  name: string;
}

export interface Principal {
  credentialType: CredentialType;
  /** The token's id; for sessions, whatever id the session layer uses (or null). */
  tokenId: string | null;
  expiresAt: Date | null;
  user: UserIdentity | null;
  serviceAccount: ServiceAccountIdentity | null;
}

export function hasRole(principal: Principal, role: Role): boolean {
  return principal.user?.teams.some((team) => team.role === role) ?? false;
}

export function isSysAdmin(principal: Principal): boolean {
  return hasRole(principal, 'SysAdmin');
}

/** Member and ReadOnly may read users and teams; SysAdmin may do everything. */
export function canReadDirectory(principal: Principal): boolean {
  return principal.user?.teams.some((team) => team.role === 'SysAdmin' || team.role === 'Member' || team.role === 'ReadOnly') ?? false;
}
