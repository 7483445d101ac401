// Loads a service's configuration: defaults from its zod schema, then a TOML file, then ROBUSTMQ_<SECTION>_<KEY>
// environment variables, then programmatic overrides — validated once, with errors that name the key, the value
// and where the value came from.
import { readFileSync } from 'node:fs';
import { parse as parseToml } from 'smol-toml';
import type { z } from 'zod';

/** A config schema: an object of sections, each an object of keys (two levels, like the TOML files). */
export type ConfigSchema = z.ZodObject<Record<string, z.ZodType>>;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export interface LoadConfigOptions {
  /** TOML file to read; missing means defaults + env only. */
  file?: string;
  /** environment to read overrides from (default process.env). */
  env?: Record<string, string | undefined>;
  /** values applied last, e.g. by tests or by `robustmq start` composing services. */
  overrides?: Record<string, Record<string, unknown>>;
}

/** The environment variable that overrides `[section] key`. */
export function envName(section: string, key: string): string {
  return `ROBUSTMQ_${section}_${key}`.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

type Def = { type: string; innerType?: z.ZodType; element?: z.ZodType; shape?: Record<string, z.ZodType> };

function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

/** Strips default/optional/prefault wrappers to reach the type that decides how an env string is read. */
function baseType(schema: z.ZodType): Def {
  let def = defOf(schema);
  while (
    ['default', 'optional', 'prefault', 'nullable', 'pipe', 'catch'].includes(def.type) &&
    def.innerType
  ) {
    def = defOf(def.innerType);
  }
  return def;
}

function sectionShape(schema: z.ZodType): Record<string, z.ZodType> {
  const def = baseType(schema);
  if (def.type !== 'object' || !def.shape) throw new Error('config sections must be objects');
  return def.shape;
}

/** Reads an environment string as the type the schema expects; leaves it a string when it does not fit, so that
 * validation reports it with the key's name. */
function coerceEnv(value: string, schema: z.ZodType): unknown {
  const def = baseType(schema);
  switch (def.type) {
    case 'number':
    case 'int': {
      const n = Number(value);
      return value.trim() !== '' && Number.isFinite(n) ? n : value;
    }
    case 'boolean':
      return value === 'true' ? true : value === 'false' ? false : value;
    case 'array': {
      const trimmed = value.trim();
      if (trimmed.startsWith('[')) {
        try {
          return JSON.parse(trimmed);
        } catch {
          return value;
        }
      }
      const items = trimmed === '' ? [] : trimmed.split(',').map((s) => s.trim());
      return def.element ? items.map((item) => coerceEnv(item, def.element!)) : items;
    }
    default:
      return value;
  }
}

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
}

export function loadConfig<S extends ConfigSchema>(schema: S, options: LoadConfigOptions = {}): z.infer<S> {
  const raw: Record<string, Record<string, unknown>> = {};
  const origin = new Map<string, string>();
  const sections = schema.shape;

  if (options.file) {
    let text: string;
    try {
      text = readFileSync(options.file, 'utf8');
    } catch (err) {
      throw new ConfigError(`cannot read config file ${options.file}: ${(err as Error).message}`);
    }
    let parsed: Record<string, unknown>;
    try {
      parsed = parseToml(text) as Record<string, unknown>;
    } catch (err) {
      throw new ConfigError(`config file ${options.file} is not valid TOML: ${(err as Error).message}`);
    }
    for (const [section, body] of Object.entries(parsed)) {
      if (body === null || typeof body !== 'object' || Array.isArray(body)) {
        throw new ConfigError(`config file ${options.file}: "${section}" must be a [section] table`);
      }
      raw[section] = { ...(body as Record<string, unknown>) };
      for (const key of Object.keys(body)) origin.set(`${section}.${key}`, options.file);
    }
  }

  const env = options.env ?? process.env;
  for (const [section, sectionSchema] of Object.entries(sections)) {
    for (const [key, keySchema] of Object.entries(sectionShape(sectionSchema))) {
      const name = envName(section, key);
      const value = env[name];
      if (value === undefined) continue;
      raw[section] ??= {};
      raw[section][key] = coerceEnv(value, keySchema);
      origin.set(`${section}.${key}`, `env ${name}`);
    }
  }

  for (const [section, body] of Object.entries(options.overrides ?? {})) {
    raw[section] = { ...(raw[section] ?? {}), ...body };
    for (const key of Object.keys(body)) origin.set(`${section}.${key}`, 'override');
  }

  const result = schema.safeParse(raw);
  if (result.success) return result.data;

  const lines = result.error.issues.map((issue) => {
    const path = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      const where = path.length ? `[${path.join('.')}] ` : '';
      return `${where}unknown key(s) ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
    }
    const key = path.slice(0, 2).join('.');
    let value: unknown = raw;
    for (const p of path) value = (value as Record<string, unknown> | undefined)?.[p];
    const from = origin.get(key);
    const shown = value === undefined ? '(missing)' : `= ${describe(value)}`;
    return `${path.join('.')} ${shown}${from ? ` (from ${from})` : ''}: ${issue.message}`;
  });
  throw new ConfigError(`invalid configuration:\n  ${lines.join('\n  ')}`);
}
