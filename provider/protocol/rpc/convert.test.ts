/** The proto ↔ typed converters: absent fields, int64 strings, paths, timestamps. */
import * as from from './from-proto';
import * as to from './to-proto';

test('absent request fields become typed defaults, never undefined', () => {
  expect(from.readResourceRequest({})).toEqual({
    typeName: '',
    currentState: null,
    private: Buffer.alloc(0),
    clientCapabilities: { deferralAllowed: false, writeOnlyAttributesAllowed: false },
  });
  expect(from.validateResourceConfigRequest({ type_name: 'x' }).clientCapabilities).toBeNull();
  // An empty DynamicValue (both fields empty) is null, as the CLI means it.
  expect(from.planResourceChangeRequest({ prior_state: { msgpack: Buffer.alloc(0), json: Buffer.alloc(0) } }).priorState).toBeNull();
  expect(from.upgradeResourceStateRequest({ type_name: 't', version: '3', raw_state: { json: Buffer.from('{}') } })).toMatchObject({
    version: 3,
  });
  expect(from.upgradeResourceStateRequest({ version: 'nonsense' }).version).toBe(0);
  expect(
    from.configureProviderRequest({ terraform_version: '1.11.4', client_capabilities: { write_only_attributes_allowed: true } }),
  ).toEqual({
    terraformVersion: '1.11.4',
    config: null,
    clientCapabilities: { deferralAllowed: false, writeOnlyAttributesAllowed: true },
  });
});

test('typed responses become proto messages: severities, path oneofs, int64 strings, timestamps', () => {
  const res = to.planResourceChangeResponse({
    plannedState: { msgpack: Buffer.from([0xc0]) },
    requiresReplace: [
      [{ attribute: 'tags' }, { key: 'env' }],
      [{ attribute: 'rule' }, { index: 2 }],
    ],
    plannedPrivate: new Uint8Array([1, 2]),
    diagnostics: [
      { severity: 'warning', summary: 'W', path: [{ attribute: 'a' }] },
      { severity: 'error', summary: 'E', detail: 'd' },
    ],
  });
  expect(res.requires_replace).toEqual([
    { steps: [{ attribute_name: 'tags' }, { element_key_string: 'env' }] },
    { steps: [{ attribute_name: 'rule' }, { element_key_int: '2' }] },
  ]);
  expect(Buffer.isBuffer(res.planned_private)).toBe(true);
  expect(res.diagnostics).toEqual([
    { severity: 2, summary: 'W', detail: '', attribute: { steps: [{ attribute_name: 'a' }] } },
    { severity: 1, summary: 'E', detail: 'd', attribute: null },
  ]);
  expect(to.timestamp(new Date('2030-01-01T00:00:01.250Z'))).toEqual({ seconds: '1893456001', nanos: 250_000_000 });
  const open = to.openEphemeralResourceResponse({ result: null, renewAt: null, private: null, diagnostics: [] });
  expect('renew_at' in open || 'private' in open).toBe(false);
  expect(to.stopProviderResponse({ error: '' })).toEqual({ Error: '' });
});
