import { createLogger, hclogTimestamp, levelFromEnv } from '../../../provider/protocol';

function capture(level: NonNullable<Parameters<typeof createLogger>[0]>['level']) {
  const lines: string[] = [];
  const log = createLogger({ level, module: 'provider.test', write: (l) => lines.push(l) });
  return { log, lines, records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

test('timestamps have exactly six fractional digits (what hclog parses)', () => {
  expect(hclogTimestamp(new Date('2026-11-28T06:04:53.786Z'))).toBe('2026-11-28T06:04:53.786000Z');
  expect(hclogTimestamp()).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
});

test('level comes from TF_LOG_PROVIDER, then TF_LOG; unset is off', () => {
  expect(levelFromEnv({})).toBe('off');
  expect(levelFromEnv({ TF_LOG: 'DEBUG' })).toBe('debug');
  expect(levelFromEnv({ TF_LOG: 'trace', TF_LOG_PROVIDER: 'warn' })).toBe('warn');
  expect(levelFromEnv({ TF_LOG: 'json' })).toBe('trace');
});

test('one hclog JSON line per call, filtered by level', () => {
  const { log, lines, records } = capture('info');
  log.debug('hidden');
  log.info('shown', { tf_rpc: 'PlanResourceChange', n: 3 });
  expect(lines).toHaveLength(1);
  expect(lines[0]?.endsWith('\n')).toBe(true);
  expect(records()[0]).toMatchObject({
    '@level': 'info',
    '@message': 'shown',
    '@module': 'provider.test',
    tf_rpc: 'PlanResourceChange',
    n: 3,
  });
});

test('registered secrets and secret fields never reach a line', () => {
  const { log, lines } = capture('trace');
  log.redact('hunter2-password');
  log.info('user typed hunter2-password', { detail: 'again: hunter2-password' });
  const scoped = log.with({ tf_rpc: 'ApplyResourceChange' }).withSecretFields(['token']);
  scoped.debug('created', { token: 'tok-abcdef-123456', id: 'x' });
  // The token value is remembered: later lines mentioning it are redacted too, in any logger.
  log.info('echo tok-abcdef-123456 "quoted"');
  const text = lines.join('');
  expect(text).not.toContain('hunter2-password');
  expect(text).not.toContain('tok-abcdef-123456');
  expect(text.match(/\[REDACTED\]/g)).toHaveLength(4);
});
