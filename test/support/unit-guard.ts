// Loaded before every test file of the `unit` tier: that tier promises to start no process (and so
// no PostgreSQL, terraform or browser), so that it runs in seconds anywhere. A unit test that tries
// fails here with the reason, which tells its author to move it to the integration or e2e tier.
//
// Node's core modules are shared by every test file a jest worker runs, whatever its tier, so the
// tripwire is laid for this file only and taken away after it.
import childProcess from 'node:child_process';

const NAMES = ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'] as const;
const originals = new Map(NAMES.map((name) => [name, Object.getOwnPropertyDescriptor(childProcess, name)]));

const refuse = (name: string) => (): never => {
  throw new Error(
    `child_process.${name}() was called from a unit test: the unit tier starts no processes. ` +
      'Move this test to the integration or e2e tier (see jest.config.js).',
  );
};

for (const name of NAMES) {
  Object.defineProperty(childProcess, name, { value: refuse(name), configurable: true, writable: true });
}

afterAll(() => {
  for (const [name, descriptor] of originals) {
    if (descriptor !== undefined) Object.defineProperty(childProcess, name, descriptor);
  }
});
