import { apiDiagnostics } from './api-diagnostics';
import { TesseraApiError, TesseraConnectionError } from './errors';

describe('API failures as diagnostics', () => {
  it('points each field the API named at the matching attribute, with its message', () => {
    const failure = new TesseraApiError('POST', '/api/v1/personal-access-tokens', 422, 'Unprocessable Content', 'invalid request', [
      { field: 'expiration_days', message: 'must be at most 7' },
      { field: 'other', message: 'is odd' },
    ]);
    const diagnostics = apiDiagnostics(failure, { summary: 'Could not create', attributes: ['name', 'expiration_days'] });
    expect(diagnostics).toEqual([
      {
        severity: 'error',
        summary: 'Could not create',
        detail: 'expiration_days: must be at most 7 (invalid request)',
        path: [{ attribute: 'expiration_days' }],
      },
      { severity: 'error', summary: 'Could not create', detail: 'other: is odd (invalid request)', path: undefined },
    ]);
  });

  it('says the provider token is invalid or expired on 401 and carries the detail otherwise', () => {
    const [unauthorized] = apiDiagnostics(new TesseraApiError('GET', '/x', 401, 'Unauthorized', '', []), { summary: 'Could not read' });
    expect(unauthorized?.summary).toContain('invalid or expired');
    expect(unauthorized?.detail).toContain('TESSERA_API_TOKEN');
    const [forbidden] = apiDiagnostics(new TesseraApiError('DELETE', '/x', 403, 'Forbidden', 'not yours', []), {
      summary: 'Could not revoke',
    });
    expect(forbidden?.detail).toBe('The Tessera API answered 403: not yours');
  });

  it('names the endpoint when the API cannot be reached', () => {
    const [diagnostic] = apiDiagnostics(new TesseraConnectionError('http://127.0.0.1:9', 'connection refused'), {
      summary: 'Could not list',
    });
    expect(diagnostic?.detail).toContain('cannot reach the Tessera API at http://127.0.0.1:9: connection refused');
    expect(diagnostic?.detail).toContain('TESSERA_ENDPOINT');
  });

  it('rethrows what is not an API client failure, so bugs are not disguised as API errors', () => {
    expect(() => apiDiagnostics(new TypeError('bug'), { summary: 'x' })).toThrow('bug');
  });
});

describe('a 403 for a missing role', () => {
  it('names the one role the API says is needed', () => {
    const failure = new TesseraApiError('POST', '/api/v1/teams', 403, 'Forbidden', 'This needs the SysAdmin role.', [], '', ['SysAdmin']);
    const [diagnostic, ...rest] = apiDiagnostics(failure, { summary: 'Could not create the team' });
    expect(rest).toEqual([]);
    expect(diagnostic?.summary).toBe('Could not create the team: the SysAdmin role is needed');
    expect(diagnostic?.detail).toContain('The Tessera API answered 403: This needs the SysAdmin role.');
    expect(diagnostic?.detail).toContain('needs the SysAdmin role through a team it belongs to');
  });

  it('names every role when any of several would do', () => {
    const failure = new TesseraApiError('GET', '/api/v1/teams', 403, 'Forbidden', '', [], '', ['SysAdmin', 'Member', 'ReadOnly']);
    const [diagnostic] = apiDiagnostics(failure, { summary: 'Could not read the team' });
    expect(diagnostic?.summary).toBe('Could not read the team: the SysAdmin, Member or ReadOnly role is needed');
    expect(diagnostic?.detail).toContain('needs one of the roles SysAdmin, Member or ReadOnly');
  });
});
