// Reads Apache Kafka's own message declarations — clients/src/main/resources/common/message/<Name>Request.json and
// <Name>Response.json, kept verbatim under proto/kafka/ (see its README) — into the MessageSpec that schema.ts reads
// and writes from. Kafka's generator does the same with these files; we interpret them at start-up instead of
// generating code. Two things differ from upstream's reading: field names are camelCase (Kafka's Java accessors'
// spelling: "GroupId" → "groupId"), and a declaration is cut at the newest version this codec offers — fields that
// only exist beyond it are dropped — so an upstream version is offered by raising one number in apis.ts once the
// broker handles it.
import { readFileSync } from 'node:fs';
import { parseVersions, type FieldSpec, type MessageSpec } from './schema.js';

/** proto/kafka at the repository root; this file sits at libs/protocol/{src,dist}/kafka/. */
export const KAFKA_MESSAGE_DIR = new URL('../../../../proto/kafka/', import.meta.url);

/** A message as Kafka's JSON declares it: a MessageSpec with PascalCase names, plus keys the codec does not read
 * ("about", "entityType", "mapKey", "ignorable" … are documentation or hints to Kafka's Java generator). */
type JsonMessage = MessageSpec & { commonStructs?: unknown[] };

const camelCase = (name: string) => name.charAt(0).toLowerCase() + name.slice(1);

function field(f: FieldSpec, maxVersion: number): FieldSpec | undefined {
  if (parseVersions(f.versions)[0] > maxVersion) return undefined;
  const out: FieldSpec = { name: camelCase(f.name), type: f.type, versions: f.versions };
  if (f.nullableVersions !== undefined) out.nullableVersions = f.nullableVersions;
  if (f.taggedVersions !== undefined) out.taggedVersions = f.taggedVersions;
  if (f.tag !== undefined) out.tag = f.tag;
  if (f.default !== undefined) out.default = f.default;
  if (f.fields) out.fields = fields(f.fields, maxVersion);
  return out;
}

const fields = (list: FieldSpec[], maxVersion: number): FieldSpec[] =>
  list.flatMap((f) => field(f, maxVersion) ?? []);

/** The JSON text of a Kafka message file: Kafka's files carry whole-line `//` comments (the licence, version notes). */
export function parseMessageJson(text: string): JsonMessage {
  const json = text
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('//'))
    .join('\n');
  return JSON.parse(json) as JsonMessage;
}

/** One message from its Kafka JSON, offered up to `maxVersion` (which the file must declare). */
export function messageFromJson(message: JsonMessage, maxVersion: number): MessageSpec {
  const [min, max] = parseVersions(message.validVersions);
  if (maxVersion < min || maxVersion > max)
    throw new Error(`${message.name} declares v${message.validVersions}, not v${maxVersion}`);
  // no message read here uses them; one that does needs their resolution added first
  if (message.commonStructs?.length) throw new Error(`${message.name}: commonStructs are not read`);
  return {
    name: message.name,
    apiKey: message.apiKey,
    type: message.type,
    validVersions: `${min}-${maxVersion}`,
    flexibleVersions: message.flexibleVersions,
    fields: fields(message.fields, maxVersion),
  };
}

/** proto/kafka/<name>.json, offered up to `maxVersion`. */
export function loadMessage(name: string, maxVersion: number): MessageSpec {
  const text = readFileSync(new URL(`${name}.json`, KAFKA_MESSAGE_DIR), 'utf8');
  return messageFromJson(parseMessageJson(text), maxVersion);
}
