import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { Empty as _robustmq_placement_Empty, Empty__Output as _robustmq_placement_Empty__Output } from './robustmq/placement/Empty.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  robustmq: {
    placement: {
      ClusterType: EnumTypeDefinition
      Empty: MessageTypeDefinition<_robustmq_placement_Empty, _robustmq_placement_Empty__Output>
    }
  }
}

