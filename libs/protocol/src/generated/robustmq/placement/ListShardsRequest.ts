// Original file: proto/placement/journal.proto


export interface ListShardsRequest {
  /**
   * empty lists every namespace.
   */
  'namespace'?: (string);
  /**
   * "namespace/name" of the last shard of the previous page.
   */
  'startAfter'?: (string);
  'limit'?: (number);
}

export interface ListShardsRequest__Output {
  /**
   * empty lists every namespace.
   */
  'namespace': (string);
  /**
   * "namespace/name" of the last shard of the previous page.
   */
  'startAfter': (string);
  'limit': (number);
}
