// The seam for leader-only background work on the placement center (session expiry, delayed wills, node hand-off,
// and later controllers such as the journal's). The LeaderControllers runner starts every controller when this
// member becomes the Raft leader and stops them when it loses leadership or shuts down, so at most one member
// schedules at a time (a deposed leader's in-flight proposals fail with NotPlacementLeaderError and change nothing).
export interface LeaderController {
  /** a short name for logs. */
  readonly name: string;
  /** Called when this member becomes leader. Rebuild in-memory state from the (applied) state machine here; the
   * runner has already waited for a read barrier, so every write committed by earlier leaders is applied. */
  start(): Promise<void> | void;
  /** Called when leadership is lost or the placement center closes; must cancel every timer it set. */
  stop(): Promise<void> | void;
}
