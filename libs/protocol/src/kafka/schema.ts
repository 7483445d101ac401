// The engine behind every Kafka request and response: messages are declared once as data (messages/*.ts, in the
// shape of Apache Kafka's clients/src/main/resources/common/message/*.json — fields with the versions they exist in,
// nullable versions, flexible versions and tagged fields), and this file reads and writes any version of any declared
// message from its declaration. Nothing is coded per version.
//
// Values are plain objects keyed by the camelCase field names; int64 is a number, uuid a string, bytes and records a
// Buffer. A field absent from the version being read takes its default; one absent from the version being written is
// left out. Tagged fields (KIP-482) are written only when they differ from their default; unknown tags are skipped.
import { KafkaDecodeError, KafkaReader, KafkaWriter, ZERO_UUID } from './wire.js';

export type PrimitiveType =
  | 'bool'
  | 'int8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'float64'
  | 'string'
  | 'bytes'
  | 'records'
  | 'uuid';

/** One field as declared. `versions` etc. are Kafka's version ranges: "3+", "0-2", "5", "none". */
export interface FieldSpec {
  name: string;
  /** a primitive, "[]<primitive>", "[]<StructName>" (with `fields`) or "<StructName>" (with `fields`). */
  type: string;
  versions: string;
  nullableVersions?: string;
  taggedVersions?: string;
  tag?: number;
  /** the value when absent; Kafka's JSON default ("-1", "null", "true"), or a value. */
  default?: string | number | boolean | null;
  fields?: FieldSpec[];
}

export interface MessageSpec {
  name: string;
  apiKey: number;
  type: 'request' | 'response';
  validVersions: string;
  flexibleVersions: string;
  fields: FieldSpec[];
}

/**
 * The two messages of one API: like Kafka's <Name>Request.json and <Name>Response.json, they share the API key and the
 * valid and flexible version ranges, so those are given once — `kafkaApi(...).request(fields)`, `.response(fields)`.
 */
export function kafkaApi(name: string, apiKey: number, validVersions: string, flexibleVersions: string) {
  const spec =
    (type: 'request' | 'response', suffix: string) =>
    (fields: FieldSpec[]): MessageSpec => ({
      name: name + suffix,
      apiKey,
      type,
      validVersions,
      flexibleVersions,
      fields,
    });
  return { request: spec('request', 'Request'), response: spec('response', 'Response') };
}

/**
 * A field of struct type (or an array of structs: type "[]Name") with its own fields, written on one line as Kafka's
 * JSON writes a field; `options` holds the rest of the field's keys (nullableVersions, taggedVersions, tag, default).
 */
export function struct(
  name: string,
  type: string,
  versions: string,
  ...rest: [FieldSpec[]] | [Omit<FieldSpec, 'name' | 'type' | 'versions' | 'fields'>, FieldSpec[]]
): FieldSpec {
  const [options, fields] = rest.length === 1 ? [{}, rest[0]] : rest;
  return { name, type, versions, ...options, fields };
}

export type KafkaValue = Record<string, unknown>;

/** [min, max] inclusive; "none" is [1, 0] (empty). */
type Range = readonly [number, number];

export function parseVersions(text: string): Range {
  const t = text.trim();
  if (t === 'none' || t === '') return [1, 0];
  let m = /^(\d+)\+$/.exec(t);
  if (m) return [Number(m[1]), Number.MAX_SAFE_INTEGER];
  m = /^(\d+)-(\d+)$/.exec(t);
  if (m) return [Number(m[1]), Number(m[2])];
  if (/^\d+$/.test(t)) return [Number(t), Number(t)];
  throw new Error(`bad version range ${JSON.stringify(text)}`);
}

const inRange = (r: Range, v: number) => v >= r[0] && v <= r[1];

interface CompiledField {
  name: string;
  kind: PrimitiveType | 'struct';
  array: boolean;
  versions: Range;
  nullable: Range;
  tagged: Range;
  tag: number;
  fields: CompiledField[];
  defaultValue: () => unknown;
}

export interface CompiledMessage {
  spec: MessageSpec;
  validVersions: Range;
  flexibleVersions: Range;
  fields: CompiledField[];
}

const PRIMITIVES = new Set<string>([
  'bool',
  'int8',
  'int16',
  'uint16',
  'int32',
  'uint32',
  'int64',
  'float64',
  'string',
  'bytes',
  'records',
  'uuid',
]);

function primitiveDefault(kind: PrimitiveType, text: FieldSpec['default']): unknown {
  if (text === null || text === 'null') return null;
  switch (kind) {
    case 'bool':
      return text === true || text === 'true';
    case 'string':
      return typeof text === 'string' ? text : '';
    case 'uuid':
      return typeof text === 'string' && text !== '' ? text : ZERO_UUID;
    case 'bytes':
    case 'records':
      return Buffer.alloc(0);
    case 'float64':
      return text === undefined ? 0 : Number(text);
    default:
      return text === undefined
        ? 0
        : typeof text === 'number'
          ? text
          : Number.parseInt(String(text), String(text).startsWith('0x') ? 16 : 10);
  }
}

function compileField(f: FieldSpec): CompiledField {
  const array = f.type.startsWith('[]');
  const base = array ? f.type.slice(2) : f.type;
  const kind = PRIMITIVES.has(base) ? (base as PrimitiveType) : 'struct';
  if (kind === 'struct' && !f.fields) throw new Error(`field ${f.name}: struct type ${base} needs fields`);
  const fields = (f.fields ?? []).map(compileField);
  const nullable = parseVersions(f.nullableVersions ?? 'none');
  const compiled: CompiledField = {
    name: f.name,
    kind,
    array,
    versions: parseVersions(f.versions),
    nullable,
    tagged: parseVersions(f.taggedVersions ?? 'none'),
    tag: f.tag ?? -1,
    fields,
    defaultValue: array
      ? () => (f.default === 'null' || f.default === null ? null : [])
      : kind === 'struct'
        ? () => (f.default === 'null' || f.default === null ? null : defaults(fields))
        : (() => {
            const d = primitiveDefault(kind, f.default);
            return Buffer.isBuffer(d) ? () => Buffer.alloc(0) : () => d;
          })(),
  };
  return compiled;
}

function defaults(fields: CompiledField[]): KafkaValue {
  const out: KafkaValue = {};
  for (const f of fields) out[f.name] = f.defaultValue();
  return out;
}

export function compileMessage(spec: MessageSpec): CompiledMessage {
  return {
    spec,
    validVersions: parseVersions(spec.validVersions),
    flexibleVersions: parseVersions(spec.flexibleVersions),
    fields: spec.fields.map(compileField),
  };
}

export function isFlexible(message: CompiledMessage, version: number): boolean {
  return inRange(message.flexibleVersions, version);
}

export function supportsVersion(message: CompiledMessage, version: number): boolean {
  return inRange(message.validVersions, version);
}

/** A message with every field at its default (the start of a response). */
export function defaultMessage(message: CompiledMessage): KafkaValue {
  return defaults(message.fields);
}

// ---- reading ----

function readPrimitive(r: KafkaReader, kind: PrimitiveType, flexible: boolean, name: string): unknown {
  switch (kind) {
    case 'bool':
      return r.bool();
    case 'int8':
      return r.int8();
    case 'int16':
      return r.int16();
    case 'uint16':
      return r.uint16();
    case 'int32':
      return r.int32();
    case 'uint32':
      return r.uint32();
    case 'int64':
      return r.int64();
    case 'float64':
      return r.float64();
    case 'uuid':
      return r.uuid();
    case 'string':
      return r.string(flexible);
    case 'bytes':
    case 'records':
      return r.bytes(flexible);
    default:
      throw new KafkaDecodeError(`field ${name}: unknown type ${String(kind)}`);
  }
}

function readValue(r: KafkaReader, f: CompiledField, version: number, flexible: boolean): unknown {
  if (f.array) {
    const n = r.arrayLength(flexible);
    if (n < 0) return null;
    const out: unknown[] = new Array(n);
    for (let i = 0; i < n; i++)
      out[i] =
        f.kind === 'struct'
          ? readStruct(r, f.fields, version, flexible)
          : readPrimitive(r, f.kind, flexible, f.name);
    return out;
  }
  if (f.kind === 'struct') {
    if (inRange(f.nullable, version) && r.int8() < 0) return null;
    return readStruct(r, f.fields, version, flexible);
  }
  return readPrimitive(r, f.kind, flexible, f.name);
}

function readStruct(r: KafkaReader, fields: CompiledField[], version: number, flexible: boolean): KafkaValue {
  const out: KafkaValue = {};
  for (const f of fields) {
    if (inRange(f.versions, version) && !(flexible && inRange(f.tagged, version)))
      out[f.name] = readValue(r, f, version, flexible);
    else out[f.name] = f.defaultValue();
  }
  if (flexible) readTaggedFields(r, fields, version, out);
  return out;
}

function readTaggedFields(r: KafkaReader, fields: CompiledField[], version: number, out: KafkaValue): void {
  const count = r.uvarint();
  if (count > r.remaining) throw new KafkaDecodeError(`${count} tagged fields in ${r.remaining} bytes`);
  for (let i = 0; i < count; i++) {
    const tag = r.uvarint();
    const size = r.uvarint();
    const field = fields.find((f) => f.tag === tag && inRange(f.tagged, version));
    if (!field) {
      r.skip(size);
      continue;
    }
    const end = r.offset + size;
    if (end > r.end) throw new KafkaDecodeError(`tagged field ${tag} of ${size} bytes runs past the end`);
    const sub = new KafkaReader(r.buf, r.offset, end);
    out[field.name] = readValue(sub, field, version, true);
    r.offset = end;
  }
}

/** Reads one message body of `version` (the caller checked the version is valid). */
export function decodeMessage(message: CompiledMessage, version: number, r: KafkaReader): KafkaValue {
  return readStruct(r, message.fields, version, isFlexible(message, version));
}

// ---- writing ----

function writePrimitive(
  w: KafkaWriter,
  kind: PrimitiveType,
  value: unknown,
  flexible: boolean,
  nullable: boolean,
): void {
  switch (kind) {
    case 'bool':
      w.bool(Boolean(value));
      return;
    case 'int8':
      w.int8(Number(value ?? 0));
      return;
    case 'int16':
      w.int16(Number(value ?? 0));
      return;
    case 'uint16':
      w.uint16(Number(value ?? 0));
      return;
    case 'int32':
      w.int32(Number(value ?? 0));
      return;
    case 'uint32':
      w.uint32(Number(value ?? 0));
      return;
    case 'int64':
      w.int64(typeof value === 'bigint' ? value : Number(value ?? 0));
      return;
    case 'float64':
      w.float64(Number(value ?? 0));
      return;
    case 'uuid':
      w.uuid(typeof value === 'string' ? value : ZERO_UUID);
      return;
    case 'string':
      w.string(value === null || value === undefined ? (nullable ? null : '') : String(value), flexible);
      return;
    case 'bytes':
    case 'records':
      w.bytes(Buffer.isBuffer(value) ? value : nullable ? null : Buffer.alloc(0), flexible);
      return;
  }
}

function writeValue(
  w: KafkaWriter,
  f: CompiledField,
  value: unknown,
  version: number,
  flexible: boolean,
): void {
  const nullable = inRange(f.nullable, version);
  if (f.array) {
    if (!Array.isArray(value)) {
      w.arrayLength(nullable && value === null ? -1 : 0, flexible);
      return;
    }
    w.arrayLength(value.length, flexible);
    for (const item of value) {
      if (f.kind === 'struct') writeStruct(w, f.fields, (item ?? {}) as KafkaValue, version, flexible);
      else writePrimitive(w, f.kind, item, flexible, false);
    }
    return;
  }
  if (f.kind === 'struct') {
    if (nullable) {
      if (value === null || value === undefined) {
        w.int8(-1);
        return;
      }
      w.int8(1);
    }
    writeStruct(w, f.fields, (value ?? {}) as KafkaValue, version, flexible);
    return;
  }
  writePrimitive(w, f.kind, value, flexible, nullable);
}

function isDefault(f: CompiledField, value: unknown): boolean {
  if (value === undefined) return true;
  const d = f.defaultValue();
  if (d === null || value === null) return d === value;
  if (Array.isArray(value)) return value.length === 0 && Array.isArray(d);
  if (Buffer.isBuffer(value)) return value.length === 0;
  if (typeof value === 'object') return false;
  return value === d;
}

function writeStruct(
  w: KafkaWriter,
  fields: CompiledField[],
  value: KafkaValue,
  version: number,
  flexible: boolean,
): void {
  const tagged: CompiledField[] = [];
  for (const f of fields) {
    if (!inRange(f.versions, version)) continue;
    if (flexible && inRange(f.tagged, version)) {
      if (!isDefault(f, value[f.name])) tagged.push(f);
      continue;
    }
    const v = value[f.name];
    writeValue(w, f, v === undefined ? f.defaultValue() : v, version, flexible);
  }
  if (!flexible) return;
  tagged.sort((a, b) => a.tag - b.tag);
  w.uvarint(tagged.length);
  for (const f of tagged) {
    const inner = new KafkaWriter(64);
    writeValue(inner, f, value[f.name], version, true);
    const bytes = inner.result();
    w.uvarint(f.tag).uvarint(bytes.length).raw(bytes);
  }
}

/** Writes one message body of `version`. */
export function encodeMessage(
  message: CompiledMessage,
  version: number,
  value: KafkaValue,
  w: KafkaWriter = new KafkaWriter(),
): KafkaWriter {
  writeStruct(w, message.fields, value, version, isFlexible(message, version));
  return w;
}
