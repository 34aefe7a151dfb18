import { describe, expect, it } from 'vitest';
import { StreamTickets } from '../../server/transports/twilio/StreamTickets.ts';

describe('StreamTickets', () => {
  const secret = 'shared by the cluster';

  it('a ticket minted on one worker for another is redeemed there, once', () => {
    const webhookWorker = new StreamTickets('a', secret);
    const streamWorker = new StreamTickets('b', secret);
    const ticket = webhookWorker.issue('b');
    expect(webhookWorker.redeem(ticket), 'not for a').toBe(false);
    expect(streamWorker.redeem(ticket)).toBe(true);
    expect(streamWorker.redeem(ticket), 'once').toBe(false);
  });

  it('refuses a forged, tampered, expired or foreign-secret ticket', () => {
    const tickets = new StreamTickets('a', secret, 1000);
    const ticket = tickets.issue('a', 10_000);
    const [worker, expires, nonce, mac] = ticket.split('.');
    expect(tickets.redeem(`${worker}.${Number(expires) + 60_000}.${nonce}.${mac}`, 10_500)).toBe(
      false,
    );
    expect(tickets.redeem(`${worker}.${expires}.${nonce}.${mac.slice(1)}x`, 10_500)).toBe(false);
    expect(tickets.redeem(new StreamTickets('a', 'other').issue('a', 10_000), 10_500)).toBe(false);
    expect(tickets.redeem('not a ticket', 10_500)).toBe(false);
    expect(tickets.redeem(ticket, 11_001), 'expired').toBe(false);
    expect(tickets.redeem(tickets.issue('a', 10_000), 10_500)).toBe(true);
  });
});
