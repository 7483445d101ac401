// Original file: proto/placement/kv.proto

import type { Long } from '@grpc/proto-loader';

export interface KeyValue {
  'key'?: (string);
  'value'?: (Buffer | Uint8Array | string);
  /**
   * revision of the change that created the key (since its last deletion).
   */
  'createRevision'?: (number | string | Long);
  /**
   * revision of the last change to the key.
   */
  'modRevision'?: (number | string | Long);
  /**
   * number of sets since creation.
   */
  'version'?: (number | string | Long);
}

export interface KeyValue__Output {
  'key': (string);
  'value': (Buffer);
  /**
   * revision of the change that created the key (since its last deletion).
   */
  'createRevision': (number);
  /**
   * revision of the last change to the key.
   */
  'modRevision': (number);
  /**
   * number of sets since creation.
   */
  'version': (number);
}
