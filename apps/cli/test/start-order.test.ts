// The start order `robustmq start` derives from the services' own `after` lists: dependencies first, list order
// otherwise, unknown roles ignored, a cycle refused — and the real registry puts placement, journal, broker in order.
import { describe, expect, it } from 'vitest';
import { ROLES, startOrder } from '../src/start.js';

const roles = (services: { role: string }[]) => services.map((s) => s.role);

describe('startOrder', () => {
  it('starts the shipped services placement first, then journal, then the broker', () => {
    const at = (role: string) => ROLES.indexOf(role as (typeof ROLES)[number]);
    expect(at('placement-center')).toBe(0);
    expect(at('journal-server')).toBeGreaterThan(0);
    expect(at('mqtt-broker')).toBeGreaterThan(at('journal-server'));
  });

  it('puts a service after the roles it names, whatever the list order', () => {
    const services = [
      { role: 'broker', after: ['journal', 'placement'] },
      { role: 'journal', after: ['placement'] },
      { role: 'placement', after: [] },
      { role: 'other', after: ['not-in-this-list'] },
    ];
    expect(roles(startOrder(services))).toEqual(['placement', 'journal', 'broker', 'other']);
  });

  it('refuses services that wait for each other', () => {
    expect(() =>
      startOrder([
        { role: 'a', after: ['b'] },
        { role: 'b', after: ['a'] },
      ]),
    ).toThrow(/cycle: a → b → a/);
  });
});
