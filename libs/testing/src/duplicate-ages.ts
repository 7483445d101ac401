// Where a failure test's duplicates come from: a message delivered again after a broker's death was first delivered
// some time before the kill. What the broker had sent but not had acknowledged when it died is owed again (MQTT's
// at least once); a duplicate first delivered long before the kill was acknowledged and is commit lag. Failure tests
// print these buckets next to their counts.

/** The buckets (printed with the test's counts: JSON.stringify shows the fields). */
export class DuplicateAges {
  /** first delivered after the kill signal, from what the dead broker had already written to the socket */
  afterKill = 0;
  under10ms = 0;
  under50ms = 0;
  under200ms = 0;
  older = 0;
  /** not first delivered by the broker that died */
  notFromDeadBroker = 0;

  /** Counts `n` duplicates of a message first delivered by the dead broker at `firstAt` (undefined: not by it). */
  count(killedAt: number, firstAt: number | undefined, n = 1): void {
    if (firstAt === undefined) {
      this.notFromDeadBroker += n;
      return;
    }
    const age = killedAt - firstAt;
    if (age < 0) this.afterKill += n;
    else if (age < 10) this.under10ms += n;
    else if (age < 50) this.under50ms += n;
    else if (age < 200) this.under200ms += n;
    else this.older += n;
  }
}
