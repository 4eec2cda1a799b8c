/** go-plugin's launch contract: the magic cookie, version negotiation and the handshake line. */

export const MAGIC_COOKIE_KEY = 'TF_PLUGIN_MAGIC_COOKIE';
export const MAGIC_COOKIE_VALUE = 'd602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2';
export const CORE_PROTOCOL_VERSION = 1;
export const APP_PROTOCOL_VERSION = 6;

export const NOT_A_PLUGIN_MESSAGE =
  'This binary is a plugin. These are not meant to be executed directly.\n' +
  'Please execute the program that consumes these plugins, which will\n' +
  'load any plugins automatically (terraform or tofu).\n';

export type LaunchCheck = { ok: true } | { ok: false; message: string };

export function checkLaunchEnvironment(env: NodeJS.ProcessEnv): LaunchCheck {
  if (env[MAGIC_COOKIE_KEY] !== MAGIC_COOKIE_VALUE) return { ok: false, message: NOT_A_PLUGIN_MESSAGE };
  // The list comes from a Go map, so its order varies; an empty list means "the default".
  const offered = (env.PLUGIN_PROTOCOL_VERSIONS ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
  if (offered.length > 0 && !offered.includes(String(APP_PROTOCOL_VERSION))) {
    return {
      ok: false,
      message: `This provider speaks plugin protocol ${APP_PROTOCOL_VERSION}, but the CLI offered only ${offered.join(', ')}. Use Terraform ≥ 1.0 or OpenTofu.\n`,
    };
  }
  return { ok: true };
}

export function handshakeLine(network: 'unix' | 'tcp', address: string, certificateField: string): string {
  return `${CORE_PROTOCOL_VERSION}|${APP_PROTOCOL_VERSION}|${network}|${address}|grpc|${certificateField}\n`;
}
