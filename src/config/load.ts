import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { configSchema, type Config, type ConfigKey } from './schema.js';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const keys = Object.keys(configSchema) as ConfigKey[];

/** Flattens {https: {port: 1}} to {"https.port": 1}; dotted keys in the file are kept as they are. */
function flatten(value: unknown, prefix = '', out: Record<string, unknown> = {}): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    out[prefix] = value;
    return out;
  }
  for (const [k, v] of Object.entries(value)) {
    const path = prefix ? `${prefix}.${k}` : k;
    if (keys.includes(path as ConfigKey) || v === null || typeof v !== 'object' || Array.isArray(v))
      out[path] = v;
    else flatten(v, path, out);
  }
  return out;
}

function readFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new ConfigError(`Cannot read the configuration file ${path}: ${(cause as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (cause) {
    throw new ConfigError(
      `The configuration file ${path} is not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}: ${(cause as Error).message}`,
    );
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed))
    throw new ConfigError(`The configuration file ${path} must hold an object`);
  const flat = flatten(parsed);
  for (const k of Object.keys(flat)) {
    if (!keys.includes(k as ConfigKey)) throw new ConfigError(`Unknown configuration key "${k}" in ${path}`);
  }
  return flat;
}

/**
 * Defaults, then the file (`GATEWAY_CONFIG` or `options.file`), then the environment: each key is
 * validated on its own so that the error names the key, where it came from, and what was expected.
 */
export function loadConfig(options: { env?: NodeJS.ProcessEnv; file?: string | null } = {}): Config {
  const env = options.env ?? process.env;
  const file = options.file ?? env.GATEWAY_CONFIG ?? null;
  const fromFile = file ? readFile(file) : {};
  const config: Record<string, unknown> = {};
  for (const k of keys) {
    const spec = configSchema[k];
    const spec_ = spec as { env: string; aliases?: string[]; secret?: boolean };
    const envName = [spec_.env, ...(spec_.aliases ?? [])].find((n) => env[n] !== undefined);
    const [raw, source] =
      envName !== undefined
        ? [env[envName], envName]
        : k in fromFile
          ? [fromFile[k], `${file}`]
          : [spec.default, 'default'];
    const result = spec.schema.safeParse(raw);
    if (!result.success) {
      const shown = spec_.secret ? '<secret>' : JSON.stringify(raw);
      const reason = result.error.issues.map((i) => i.message).join('; ');
      throw new ConfigError(`Invalid configuration ${k} = ${shown} (from ${source}): ${reason}`);
    }
    config[k] = result.data;
  }
  return config as Config;
}

/** The public base URLs, defaulted from the listener ports. */
export function publicUrls(
  config: Config,
  ports?: { https: number; http: number },
): { https: string; http: string } {
  const https = config.publicUrl ?? `https://localhost:${ports?.https ?? config['https.port']}`;
  const http = config.publicHttpUrl ?? `http://localhost:${ports?.http ?? config['http.port']}`;
  return { https: https.replace(/\/$/, ''), http: http.replace(/\/$/, '') };
}
