// Who is calling, as evaluated for this request: the token (or session) and the user's or the
// service account's teams as they are now. Both kinds of identity get their permissions the same
// way: the union of their teams' roles.
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
  teams: TeamMembership[];
}

export interface Principal {
  credentialType: CredentialType;
  /** The token's id; for sessions, whatever id the session layer uses (or null). */
  tokenId: string | null;
  expiresAt: Date | null;
  user: UserIdentity | null;
  serviceAccount: ServiceAccountIdentity | null;
}

/** The teams whose roles the caller holds, whichever kind of identity it is. */
export function teamsOf(principal: Principal): readonly TeamMembership[] {
  return principal.user?.teams ?? principal.serviceAccount?.teams ?? [];
}

export function hasRole(principal: Principal, role: Role): boolean {
  return teamsOf(principal).some((team) => team.role === role);
}

export function isSysAdmin(principal: Principal): boolean {
  return hasRole(principal, 'SysAdmin');
}

/** Member and ReadOnly may read users and teams; SysAdmin may do everything. */
export const DIRECTORY_ROLES: readonly Role[] = ['SysAdmin', 'Member', 'ReadOnly'];

export function canReadDirectory(principal: Principal): boolean {
  return teamsOf(principal).some((team) => DIRECTORY_ROLES.includes(team.role));
}
