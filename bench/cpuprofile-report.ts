// `npx tsx bench/cpuprofile-report.ts FILE.cpuprofile [MARKER] [N]`: where a process spent its CPU,
// from a V8 CPU profile (node --cpu-prof, e.g. the API's under `BENCH_CPU_PROF=dir npm run
// bench:create`). Prints self and inclusive time by package / folder and by function, in
// milliseconds and as a share of the busy (non-idle) time.
//
// Only the samples between the first and the last one whose stack holds MARKER (a substring of a
// function name or file, default "createPersonalAccessToken") are counted, so start-up (module
// loading, migrations check) and shutdown do not dilute the request path. With `COUNT=<n>` in the
// environment, times are also shown per request (µs per request, over n requests). Last, each busy
// sample is put in one phase of a token create (by the innermost frame of its stack that one of
// CREATE_PHASES matches: Express calls the rest of the chain from inside the body parser's
// callback, so an outer frame says little), which splits a create's CPU by what it is for.
// A diagnosis tool, not part of any benchmark.
import * as fs from 'node:fs';
import { profileFunctionLabel, profilePackageLabel } from './support';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Phases of POST /api/v1/personal-access-tokens, by a frame (`function@url`) on the stack. */
const CREATE_PHASES: Array<[string, RegExp]> = [
  ['handler: idempotency crypto (seal response, record key, fingerprint)', /^(sealResponse|recordKey|requestFingerprint)@/],
  ['handler: new token (secret, keyed hash, ids)', /^newPersonalToken@/],
  ['handler: statement values', /^writePersonalToken@/],
  ['response: JSON, headers, socket write', /^sendCreated@|node_modules\/express\/lib\/response\.js$/],
  ['handler: other', /^createPersonalAccessToken@/],
  ['validation (zod)', /^validated@/],
  ['authentication', /api\/http\/authenticate\.ts$/],
  ['metrics (prom-client)', /prom-client/],
  ['pg and the pool: send the statement, read its result', /node_modules\/(pg|pg-protocol|tarn)\//],
  ['body: read and JSON.parse', /node_modules\/(body-parser|raw-body)\//],
  ['Express routing and middleware', /node_modules\/(express|router)\//],
  ['HTTP request parsing', /^(parserOnHeadersComplete|parserOnIncoming|parserOnBody|parserOnMessageComplete)@/],
  ['garbage collection', /^\(garbage collector\)@/],
];
const OTHER_PHASE = 'other (Node: socket reads, timers, microtask queue)';

function main(): void {
  const [file, marker = 'createPersonalAccessToken', shown = '30'] = process.argv.slice(2);
  if (!file) throw new Error('usage: cpuprofile-report.ts FILE.cpuprofile [MARKER] [N]');
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
  const count = Number(process.env.COUNT ?? 0);
  const top = Number(shown);
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const stackOf = (id: number): ProfileNode[] => {
    const stack: ProfileNode[] = [];
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) stack.push(byId.get(at)!);
    return stack;
  };
  const matches = (node: ProfileNode): boolean => node.callFrame.functionName.includes(marker) || node.callFrame.url.includes(marker);
  const marked = new Set(profile.nodes.filter((node) => stackOf(node.id).some(matches)).map((node) => node.id));
  const first = profile.samples.findIndex((id) => marked.has(id));
  let last = profile.samples.length - 1;
  while (last > first && !marked.has(profile.samples[last]!)) last -= 1;
  if (first === -1) throw new Error(`no sample's stack holds ${marker}`);

  const selfByFunction = new Map<string, number>();
  const selfByPackage = new Map<string, number>();
  const inclusiveByFunction = new Map<string, number>();
  const inclusiveByPackage = new Map<string, number>();
  const byPhase = new Map<string, number>();
  const add = (map: Map<string, number>, key: string, us: number): void => {
    map.set(key, (map.get(key) ?? 0) + us);
  };
  let busy = 0;
  let idle = 0;
  for (let i = first; i <= last; i += 1) {
    // timeDeltas[i] is the time before sample i; the sample stands for the interval after it.
    const us = profile.timeDeltas[i + 1] ?? 0;
    const node = byId.get(profile.samples[i]!)!;
    if (node.callFrame.functionName === '(idle)') {
      idle += us;
      continue;
    }
    busy += us;
    add(selfByFunction, profileFunctionLabel(node.callFrame), us);
    add(selfByPackage, profilePackageLabel(node.callFrame), us);
    const stack = stackOf(node.id);
    for (const key of new Set(stack.map((n) => profileFunctionLabel(n.callFrame)))) add(inclusiveByFunction, key, us);
    for (const key of new Set(stack.map((n) => profilePackageLabel(n.callFrame)))) add(inclusiveByPackage, key, us);
    let phase = OTHER_PHASE;
    for (const frame of stack) {
      const name = `${frame.callFrame.functionName}@${frame.callFrame.url}`;
      const found = CREATE_PHASES.find(([, pattern]) => pattern.test(name));
      if (found) {
        phase = found[0];
        break;
      }
    }
    add(byPhase, phase, us);
  }
  const print = (title: string, map: Map<string, number>): void => {
    const rows = [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
    process.stdout.write(`\n${title}\n`);
    for (const [key, us] of rows) {
      const perRequest = count > 0 ? `${(us / count).toFixed(0).padStart(6)} µs/req  ` : '';
      process.stdout.write(
        `${(us / 1000).toFixed(0).padStart(7)} ms ${((100 * us) / busy).toFixed(1).padStart(5)} %  ${perRequest}${key}\n`,
      );
    }
  };
  process.stdout.write(
    `window: ${((busy + idle) / 1e6).toFixed(2)} s, busy ${(busy / 1e6).toFixed(2)} s, idle ${(idle / 1e6).toFixed(2)} s` +
      (count > 0 ? `; busy ${(busy / count).toFixed(0)} µs per request over ${count}` : '') +
      '\n',
  );
  print('self time by package / folder', selfByPackage);
  print('inclusive time by package / folder', inclusiveByPackage);
  print('self time by function', selfByFunction);
  print('inclusive time by function', inclusiveByFunction);
  print('by phase of a request (each busy sample once; the handler phases are those of a token create)', byPhase);
}

main();
