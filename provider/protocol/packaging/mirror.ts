/**
 * Lays a bundled provider out as a filesystem mirror package, for both registry hosts (a bare
 * `ns/type` source means registry.terraform.io in Terraform and registry.opentofu.org in
 * OpenTofu):
 *   <mirror>/<host>/<ns>/<type>/<version>/<os>_<arch>/terraform-provider-<type>_v<version>
 * with the bundle copied beside the launcher. Directories are real copies: the CLIs skip
 * symlinked intermediate directories.
 */
import { chmod, copyFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { computeH1Hash } from './h1-hash';

export type Launcher = 'sh-exec' | 'node-shebang';

export interface MirrorPackageOptions {
  mirrorDir: string;
  hostnames?: string[];
  namespace: string;
  type: string;
  version: string;
  /** `os_arch` names; defaults to the current machine's (e.g. linux_amd64). */
  platforms?: string[];
  /** What bundleProvider returned as bundlePath; every file of its directory is copied. */
  bundlePath: string;
  /**
   * 'sh-exec' (default): a `#!/bin/sh` script that `exec`s node on the start file beside it
   * (exec, so the CLI's SIGKILL hits node itself). 'node-shebang': the start file itself with
   * a `#!/usr/bin/env node` line, one process image fewer (node must be on the CLI's PATH).
   */
  launcher?: Launcher;
  /**
   * The node binary for 'sh-exec'. By default nothing absolute is written into the package (it
   * must hash the same on every machine): the script runs the node named by the environment
   * variable `nodeEnv`, else the first `node` on the PATH.
   */
  nodePath?: string;
  /** The environment variable that may name the node binary at run time (default TF_PROVIDER_NODE). */
  nodeEnv?: string;
}

export interface MirrorPackage {
  /** One directory per host × platform. */
  packageDirs: string[];
  executableName: string;
  /** The lock-file hash of each platform's package (identical across hosts). */
  hashes: Record<string, string>;
}

export function currentPlatform(): string {
  const os = process.platform === 'win32' ? 'windows' : process.platform;
  const arch = process.arch === 'x64' ? 'amd64' : process.arch === 'ia32' ? '386' : process.arch;
  return `${os}_${arch}`;
}

const SEMVER = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A `#!/bin/sh` launcher that finds node when it runs (`$nodeEnv`, else PATH) and says so when it cannot. */
function launcherScript(executableName: string, startFile: string, nodeEnv: string): string {
  return [
    '#!/bin/sh',
    `node="\${${nodeEnv}:-node}"`,
    'if ! command -v "$node" >/dev/null 2>&1; then',
    `  echo "${executableName}: cannot find Node.js (\\"$node\\"): put node (20.12 or later) on the PATH or set ${nodeEnv} to its path" >&2`,
    '  exit 1',
    'fi',
    `exec "$node" "$(dirname "$0")/${startFile}" "$@"`,
    '',
  ].join('\n');
}

export async function writeMirrorPackage(options: MirrorPackageOptions): Promise<MirrorPackage> {
  const {
    mirrorDir,
    hostnames = ['registry.terraform.io', 'registry.opentofu.org'],
    namespace,
    type,
    version,
    platforms = [currentPlatform()],
    bundlePath,
    launcher = 'sh-exec',
    nodePath,
    nodeEnv = 'TF_PROVIDER_NODE',
  } = options;
  if (!/^[A-Z_][A-Z0-9_]*$/.test(nodeEnv)) throw new Error(`nodeEnv must be an environment variable name, got ${JSON.stringify(nodeEnv)}`);
  if (!SEMVER.test(version)) throw new Error(`provider version must be semver, got ${JSON.stringify(version)}`);
  if (!/^[a-z0-9-]+$/.test(type) || !/^[a-z0-9-]+$/i.test(namespace)) {
    throw new Error('namespace and type must be registry names (letters, digits, dashes)');
  }
  const executableName = `terraform-provider-${type}_v${version}`;
  const packageDirs: string[] = [];
  const hashes: Record<string, string> = {};
  for (const host of hostnames) {
    for (const platform of platforms) {
      const dir = join(mirrorDir, host, namespace, type, version, platform);
      await rm(dir, { recursive: true, force: true });
      await mkdir(dir, { recursive: true });
      const executable = join(dir, executableName);
      const startFile = basename(bundlePath);
      for (const file of await readdir(dirname(bundlePath))) {
        if (launcher === 'node-shebang' && file === startFile) continue;
        await copyFile(join(dirname(bundlePath), file), join(dir, file));
      }
      if (launcher === 'sh-exec') {
        // `$0` may be relative (the CLI runs the installed copy by a relative path), so resolve
        // the start file beside the script from it; `exec` keeps one process for the CLI to kill.
        const script = nodePath
          ? `#!/bin/sh\nexec ${shellQuote(nodePath)} "$(dirname "$0")/${startFile}" "$@"\n`
          : launcherScript(executableName, startFile, nodeEnv);
        await writeFile(executable, script, { mode: 0o755 });
      } else {
        const code = await readFile(bundlePath, 'utf8');
        await writeFile(executable, code.startsWith('#!') ? code : `#!/usr/bin/env node\n${code}`, { mode: 0o755 });
      }
      await chmod(executable, 0o755);
      packageDirs.push(dir);
      hashes[platform] ??= await computeH1Hash(dir);
    }
  }
  return { packageDirs, executableName, hashes };
}
