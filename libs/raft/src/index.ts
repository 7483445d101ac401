// @robustmq/raft: Raft consensus as a pure deterministic state machine (see the libs/raft issue).
export {};
