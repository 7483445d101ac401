// Keep-alive negotiation: MQTT 3.x clients keep what they asked for; MQTT 5 clients get the default for "none" and
// are capped at the maximum (told via Server Keep Alive).
import { describe, expect, it } from 'vitest';
import { negotiateKeepAlive } from '../src/handlers/connect.js';

describe('negotiateKeepAlive', () => {
  it('leaves MQTT 3.1/3.1.1 clients alone', () => {
    expect(negotiateKeepAlive(0, false, 60, 30)).toBe(0);
    expect(negotiateKeepAlive(7200, false, 60, 30)).toBe(7200);
  });

  it('gives MQTT 5 clients the default for 0 and caps them at the maximum', () => {
    expect(negotiateKeepAlive(0, true, 3600, 30)).toBe(30);
    expect(negotiateKeepAlive(0, true, 3600, 0)).toBe(3600);
    expect(negotiateKeepAlive(0, true, 0, 0)).toBe(0);
    expect(negotiateKeepAlive(7200, true, 3600, 0)).toBe(3600);
    expect(negotiateKeepAlive(20, true, 3600, 0)).toBe(20);
  });
});
