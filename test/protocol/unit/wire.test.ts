import { CtyError, DiagnosticError, error, ObjectReader, ctyObject, Unknown } from '../../../provider/protocol';
import { ctyPathToAttributePath, diagnosticToProto, errorToDiagnostics } from '../../../provider/protocol/server/wire';

const type = ['object', { tags: ['map', ['object', { v: 'string' }]], rules: ['list', ['object', { port: 'number' }]] }] as const;

test('cty paths become diagnostic paths, telling map keys from attribute names by type', () => {
  expect(ctyPathToAttributePath(['tags', 'env', 'v'], type as never)).toEqual([{ attribute: 'tags' }, { key: 'env' }, { attribute: 'v' }]);
  expect(ctyPathToAttributePath(['rules', 2, 'port'], type as never)).toEqual([
    { attribute: 'rules' },
    { index: 2 },
    { attribute: 'port' },
  ]);
});

test('codec errors keep their path; other exceptions become a generic error without a stack', () => {
  const [fromCty] = errorToDiagnostics(new CtyError(['rules', 0, 'port'], 'a number is required'), 'PlanResourceChange', type as never);
  expect(fromCty).toMatchObject({
    severity: 'error',
    summary: 'Invalid value',
    path: [{ attribute: 'rules' }, { index: 0 }, { attribute: 'port' }],
  });
  expect(fromCty?.detail).toContain('a number is required');
  const [generic] = errorToDiagnostics(new TypeError('x is not a function'), 'ReadResource');
  expect(generic?.summary).toBe('Provider internal error');
  expect(generic?.detail).toContain('ReadResource failed: x is not a function');
  expect(generic?.detail).not.toMatch(/\bat .+:\d+:\d+/);
  const explicit = error('Nope', 'because', [{ attribute: 'a' }]);
  expect(errorToDiagnostics(new DiagnosticError(explicit), 'X')).toEqual([explicit]);
});

test('diagnostics on the wire: severity set, path steps as oneof fields', () => {
  expect(diagnosticToProto(error('S', 'D', [{ attribute: 'a' }, { key: 'k' }, { index: 1 }]))).toEqual({
    severity: 1,
    summary: 'S',
    detail: 'D',
    attribute: { steps: [{ attribute_name: 'a' }, { element_key_string: 'k' }, { element_key_int: '1' }] },
  });
  expect(diagnosticToProto({ severity: 'warning', summary: 'W' })).toEqual({ severity: 2, summary: 'W', detail: '', attribute: null });
});

test('ObjectReader getters name the attribute when a value is not what the provider expects', () => {
  const r = new ObjectReader(ctyObject({ name: 'n', size: new Unknown(), nested: ctyObject({ port: 'eighty' }), list: ['a', 1] }));
  expect(r.string('name')).toBe('n');
  expect(r.isUnknown('size')).toBe(true);
  const fail = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return (e as DiagnosticError).diagnostics[0];
    }
    throw new Error('expected a DiagnosticError');
  };
  expect(fail(() => r.number('size'))?.path).toEqual([{ attribute: 'size' }]);
  expect(fail(() => r.object('nested')?.number('port'))?.path).toEqual([{ attribute: 'nested' }, { attribute: 'port' }]);
  expect(fail(() => r.stringList('list'))?.path).toEqual([{ attribute: 'list' }, { index: 1 }]);
  expect(fail(() => r.raw('missing'))?.summary).toBe('Unknown attribute');
});
