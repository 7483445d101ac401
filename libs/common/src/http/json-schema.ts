// JSON Schema pieces for the admin APIs' routes (fastify validates requests and serialises replies with them): an
// object's `required` list is derived from its properties — every property is required unless named optional — so a
// field cannot be added to a reply and forgotten in `required` (or linger there after it was removed), and the leaf
// types every route uses are spelled once.
export const jsonString = { type: 'string' } as const;
export const jsonInteger = { type: 'integer' } as const;
export const jsonBoolean = { type: 'boolean' } as const;
/** a path parameter or query field that must not be empty. */
export const nonEmptyString = { type: 'string', minLength: 1 } as const;

/** `{ type: 'object', properties, required }`: every property required except those in `optional`. */
export function objectSchema<P extends Record<string, object>>(
  properties: P,
  optional: readonly (keyof P & string)[] = [],
) {
  return {
    type: 'object',
    properties,
    required: Object.keys(properties).filter((name) => !optional.includes(name)),
  } as const;
}
