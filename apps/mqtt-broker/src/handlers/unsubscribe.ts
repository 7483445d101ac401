// UNSUBSCRIBE → UNSUBACK: removes each filter (durably first, for a persistent session); MQTT 5 clients learn per
// filter whether it existed.
import type { IUnsubscribePacket } from '@robustmq/protocol';
import type { Connection } from '../transport/connection.js';
import type { HandlerContext } from './context.js';
import { ReasonCode } from '../packets/reason-codes.js';

export function handleUnsubscribe(
  ctx: HandlerContext,
  connection: Connection,
  packet: IUnsubscribePacket,
): void {
  const session = connection.session!;
  const rules = ctx.rules;
  // a filter rewritten on SUBSCRIBE is stored under its rewritten form, so UNSUBSCRIBE rewrites it the same way
  const granted = packet.unsubscriptions.map((asked) => {
    const filter = rules ? rules.rewrite('subscribe', asked) : asked;
    return ctx.unsubscribe(session, filter) ? ReasonCode.SUCCESS : ReasonCode.NO_SUBSCRIPTION_EXISTED;
  });
  const answer = (): void => {
    connection.send({ cmd: 'unsuback', messageId: packet.messageId!, granted });
  };
  if (!session.persistent) return answer();
  ctx.store.removeSubscriptions({ id: session.clientId }, packet.unsubscriptions).then(
    () => {
      if (connection.session === session) answer();
    },
    (err: unknown) => {
      connection.logger.error({ err }, 'could not store subscriptions');
      connection.close('session storage failed', ReasonCode.UNSPECIFIED_ERROR);
    },
  );
}
