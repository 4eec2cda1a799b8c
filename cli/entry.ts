// The bundle's entry point (scripts/cli-build.ts): run the command line of this process.
import { run } from './main';

run();
