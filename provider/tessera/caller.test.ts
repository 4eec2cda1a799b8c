import { callerKindOf, refuseServiceAccount, serviceAccountCannotOwnPersonalTokens } from './caller';
import { DiagnosticError } from '../protocol/diagnostics';

// Token-shaped values are assembled at run time: no literal that secret scanners would flag.
const body = 'A'.repeat(36);

describe('who the provider acts as', () => {
  it('tells a service account from a user by the token prefix alone', () => {
    expect(callerKindOf(['tssvc', body].join('_'))).toBe('service_account');
    expect(callerKindOf(['tspat', body].join('_'))).toBe('user');
    expect(callerKindOf('something-else')).toBe('unknown');
  });

  it('refuses personal tokens to a service account, on the named attribute, saying what to use instead', () => {
    const caller = { kind: 'service_account' as const, tokenSource: 'the TESSERA_API_TOKEN environment variable' };
    const diagnostic = serviceAccountCannotOwnPersonalTokens(caller, 'The resource tessera_personal_access_token', 'name');
    expect(diagnostic).toMatchObject({
      severity: 'error',
      summary: 'Service accounts cannot own personal access tokens',
      path: [{ attribute: 'name' }],
    });
    expect(diagnostic.detail).toContain('from the TESSERA_API_TOKEN environment variable');
    expect(diagnostic.detail).toContain('tessera_service_account');
    expect(() => refuseServiceAccount(caller, 'x', 'name')).toThrow(DiagnosticError);
    expect(() => refuseServiceAccount({ kind: 'user', tokenSource: 'x' }, 'x', 'name')).not.toThrow();
    expect(() => refuseServiceAccount({ kind: 'unknown', tokenSource: 'x' }, 'x', 'name')).not.toThrow();
  });
});
