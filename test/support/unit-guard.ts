// Loaded before every test of the `unit` tier: that tier promises to start no process (and so no
// PostgreSQL, terraform or browser), so that it runs in seconds anywhere. A unit test that tries
// fails here with the reason, which tells its author to move it to the integration or e2e tier.
import childProcess from 'node:child_process';

const refuse = (name: string) => (): never => {
  throw new Error(
    `child_process.${name}() was called from a unit test: the unit tier starts no processes. ` +
      'Move this test to the integration or e2e tier (see jest.config.js).',
  );
};

for (const name of ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'] as const) {
  Object.defineProperty(childProcess, name, { value: refuse(name), configurable: true, writable: true });
}
