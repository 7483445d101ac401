// Where a failure test's duplicates come from: a message delivered again after a broker's death was first delivered
// some time before the kill. What the broker had sent but not had acknowledged when it died is owed again (MQTT's
// at least once); a duplicate first delivered long before the kill was acknowledged and is commit lag. Failure tests
// print these buckets next to their counts.

export interface DuplicateAges {
  /** first delivered after the kill signal, from what the dead broker had already written to the socket */
  afterKill: number;
  under10ms: number;
  under50ms: number;
  under200ms: number;
  older: number;
  /** not first delivered by the broker that died */
  notFromDeadBroker: number;
}

export function emptyDuplicateAges(): DuplicateAges {
  return { afterKill: 0, under10ms: 0, under50ms: 0, under200ms: 0, older: 0, notFromDeadBroker: 0 };
}

/** Counts `n` duplicates of a message first delivered by the dead broker at `firstAt` (undefined: not by it). */
export function countDuplicateAge(
  ages: DuplicateAges,
  killedAt: number,
  firstAt: number | undefined,
  n = 1,
): void {
  if (firstAt === undefined) {
    ages.notFromDeadBroker += n;
    return;
  }
  const age = killedAt - firstAt;
  if (age < 0) ages.afterKill += n;
  else if (age < 10) ages.under10ms += n;
  else if (age < 50) ages.under50ms += n;
  else if (age < 200) ages.under200ms += n;
  else ages.older += n;
}
