// Original file: proto/placement/kv.proto


/**
 * Read options shared by read requests.
 */
export interface ReadOptions {
  /**
   * serve from this member's local state, possibly behind the leader (no linearizability).
   */
  'stale'?: (boolean);
}

/**
 * Read options shared by read requests.
 */
export interface ReadOptions__Output {
  /**
   * serve from this member's local state, possibly behind the leader (no linearizability).
   */
  'stale': (boolean);
}
