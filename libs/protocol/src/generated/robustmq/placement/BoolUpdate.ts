// Original file: proto/placement/mqtt.proto


/**
 * A field that is changed only when present.
 */
export interface BoolUpdate {
  'value'?: (boolean);
}

/**
 * A field that is changed only when present.
 */
export interface BoolUpdate__Output {
  'value': (boolean);
}
