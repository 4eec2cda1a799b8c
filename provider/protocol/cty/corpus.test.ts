import { ctyEquals, decodeJsonValue, decodeMsgpack, encodeMsgpack } from './index';
import { loadMsgpackFixtures } from './testing/fixture-corpus';

const fixtures = loadMsgpackFixtures();

describe('corpus of real msgpack bytes from the Terraform CLI', () => {
  it('has the fixtures recorded so far', () => {
    // A guard against the loader silently finding nothing (e.g. after moving the folder).
    expect(fixtures.length).toBeGreaterThanOrEqual(11);
  });

  it('includes the same state as the CLI sent it both ways (msgpack and RawState JSON)', () => {
    expect(fixtures.filter((f) => f.rawStateJson !== undefined).length).toBeGreaterThanOrEqual(1);
  });

  describe.each(fixtures.map((f) => [f.name, f] as const))('%s', (_name, fixture) => {
    it('decodes to the expected value', () => {
      const decoded = decodeMsgpack(fixture.bytes, fixture.type);
      expect(decoded).toEqual(fixture.expected);
      expect(ctyEquals(decoded, fixture.expected, fixture.type)).toBe(true);
    });

    it(fixture.sameBytes ? 're-encodes to the same bytes' : 're-encodes to bytes that decode to the same value', () => {
      const encoded = encodeMsgpack(decodeMsgpack(fixture.bytes, fixture.type), fixture.type);
      if (fixture.sameBytes) expect(Buffer.from(encoded).toString('hex')).toBe(Buffer.from(fixture.bytes).toString('hex'));
      else expect(decodeMsgpack(encoded, fixture.type)).toEqual(fixture.expected);
    });

    if (fixture.rawStateJson !== undefined) {
      const json = fixture.rawStateJson;
      it('decodes the RawState.json of the same state to the same value, numbers exact', () => {
        expect(decodeJsonValue(json, fixture.type)).toEqual(fixture.expected);
      });
    }
  });
});
