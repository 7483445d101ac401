// Keeps a connection's acknowledgements in the order their PUBLISH packets arrived (MQTT-4.6.0-2/-3) although each
// waits for its own storage write: a PUBACK whose write finished early waits behind an earlier one still pending.

export interface AckSlot {
  /** the bytes to send once every earlier slot is settled; undefined sends nothing. */
  bytes: Buffer | undefined;
  settled: boolean;
}

export class AckQueue {
  private slots: AckSlot[] = [];
  private head = 0;

  /** `out`: where settled acknowledgements are written (the connection). */
  constructor(private readonly out: { write(bytes: Buffer): void }) {}

  /** Reserves the next place in line. */
  reserve(): AckSlot {
    const slot: AckSlot = { bytes: undefined, settled: false };
    this.slots.push(slot);
    return slot;
  }

  /** Settles a slot and writes every settled acknowledgement at the head of the line. */
  settle(slot: AckSlot, bytes: Buffer | undefined): void {
    slot.bytes = bytes;
    slot.settled = true;
    const slots = this.slots;
    while (this.head < slots.length && slots[this.head]!.settled) {
      const ready = slots[this.head++]!;
      if (ready.bytes) this.out.write(ready.bytes);
    }
    if (this.head === slots.length) {
      this.slots = [];
      this.head = 0;
    } else if (this.head > 1024) {
      this.slots = slots.slice(this.head);
      this.head = 0;
    }
  }

  /** Whether nothing is waiting: an acknowledgement can be written straight away. */
  get empty(): boolean {
    return this.head === this.slots.length;
  }
}
