// JSON Schema pieces for the admin APIs' routes (fastify validates requests and serialises replies with them), used
// as `json.object({ id: json.integer })`: an object's `required` list is derived from its properties — every property
// is required unless named optional — so a field cannot be added to a reply and forgotten in `required` (or linger
// there after it was removed), and the object/array/map wrappers and leaf types every route uses are spelled once.
const jsonString = { type: 'string' } as const;
const jsonInteger = { type: 'integer' } as const;
const jsonBoolean = { type: 'boolean' } as const;
/** a path parameter or query field that must not be empty. */
const nonEmptyString = { type: 'string', minLength: 1 } as const;

/** `{ type: 'array', items }`. */
function arrayOf<I extends object>(items: I) {
  return { type: 'array', items } as const;
}

/** an object used as a map: any keys, every value of the schema `values` (labels, ports by name). */
function mapOf<V extends object>(values: V) {
  return { type: 'object', additionalProperties: values } as const;
}

/**
 * `{ type: 'object', properties, required }`: every property required except those in `optional`. `'all'` declares
 * no `required` list at all — a reply whose fields may be absent (fast-json-stringify then leaves an absent field
 * out instead of refusing to serialise the reply), or a query whose filters are all optional.
 */
function objectSchema<P extends Record<string, object>>(
  properties: P,
  optional: 'all',
): { readonly type: 'object'; readonly properties: P };
function objectSchema<P extends Record<string, object>>(
  properties: P,
  optional?: readonly (keyof P & string)[],
): { readonly type: 'object'; readonly properties: P; readonly required: string[] };
function objectSchema<P extends Record<string, object>>(
  properties: P,
  optional: readonly (keyof P & string)[] | 'all' = [],
) {
  if (optional === 'all') return { type: 'object', properties } as const;
  return {
    type: 'object',
    properties,
    required: Object.keys(properties).filter((name) => !optional.includes(name)),
  } as const;
}

/** objectSchema for a request (body or query) that refuses fields it does not name (`additionalProperties: false`). */
function closedObject<P extends Record<string, object>>(
  properties: P,
  optional: readonly (keyof P & string)[] | 'all' = [],
) {
  const base = optional === 'all' ? objectSchema(properties, 'all') : objectSchema(properties, optional);
  return { ...base, additionalProperties: false } as const;
}

/** The pieces above under one name (the one export), so a route file imports one name however many it uses. */
export const json = {
  string: jsonString,
  integer: jsonInteger,
  boolean: jsonBoolean,
  nonEmptyString,
  array: arrayOf,
  map: mapOf,
  object: objectSchema,
  closed: closedObject,
} as const;
