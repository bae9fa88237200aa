/**
 * The provision counter's pure rules (shared/sync/counter.ts): slot merge laws over shuffled and
 * duplicated deliveries, and what an edge counts against the limit from its own count and the
 * hub's slots (own slot by site and DB id, a wiped edge, a hub before per-slot counters).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hubCount, mergeSlots, sessionsUsed, type CounterSlot } from '../../shared/sync/counter.js';
import { seededRandom } from '../helpers/udp.js';

const slot = (site_id: number, db_id: string, count: number, baseline = 0): CounterSlot => ({ site_id, db_id, count, baseline });


test('slot merge is commutative, associative and idempotent: shuffled, duplicated deliveries give one state', () => {
  const rnd = seededRandom(42);
  for (let round = 0; round < 200; round++) {
    // Each slot's history only grows (count, and baseline ≤ count): deliveries are snapshots of it.
    const deliveries: CounterSlot[][] = [];
    for (let i = 0; i < 12; i++) {
      const site = 1 + Math.floor(rnd() * 2);
      const db = `db${Math.floor(rnd() * 3)}`;
      const count = Math.floor(rnd() * 6);
      deliveries.push([slot(site, db, count, Math.floor(rnd() * (count + 1)))]);
    }
    const fold = (xs: CounterSlot[][]) => xs.reduce((acc, x) => mergeSlots(acc, x), [] as CounterSlot[]);
    const once = fold(deliveries);
    const shuffled = [...deliveries, ...deliveries.slice(0, 5)].sort(() => rnd() - 0.5);
    assert.deepEqual(fold(shuffled), once, `round ${round}: order and duplicates do not matter`);
    const [a, b, c] = [fold(deliveries.slice(0, 4)), fold(deliveries.slice(4, 8)), fold(deliveries.slice(8))];
    assert.deepEqual(mergeSlots(mergeSlots(a, b), c), mergeSlots(a, mergeSlots(b, c)), `round ${round}: associative`);
    assert.deepEqual(mergeSlots(a, b), mergeSlots(b, a), `round ${round}: commutative`);
    assert.deepEqual(mergeSlots(once, once), once, `round ${round}: idempotent`);
  }
});

test('the hub count is the sum over slots of count − baseline', () => {
  assert.equal(hubCount([]), 0);
  assert.equal(hubCount([slot(1, 'a', 3, 1), slot(1, 'b', 2), slot(2, 'c', 4, 4)]), 4);
});

test('an edge counts its own slot (local count, or the hub copy if higher) less its baseline, plus every other slot', () => {
  const own = { site_id: 1, db_id: 'mine' };
  assert.equal(sessionsUsed(2, undefined, own), 2, 'no counter row: its own count');
  // Observed-reset through an outage: the hub reset at 1, the edge has counted 2 since.
  assert.equal(sessionsUsed(2, { slots: [slot(1, 'mine', 1, 1)] }, own), 1);
  // The hub copy is higher than the local count (an edge DB restored from a backup): the max counts.
  assert.equal(sessionsUsed(0, { slots: [slot(1, 'mine', 3, 1)] }, own), 2);
  // A wiped edge: the old DB's slot counts in full, the new one starts at its local count.
  assert.equal(sessionsUsed(0, { slots: [slot(1, 'old', 2, 1)] }, own), 1);
  assert.equal(sessionsUsed(1, { slots: [slot(1, 'old', 2, 2)] }, own), 1);
  // A moved device: the other site's slot counts; the same DB id at another site is another slot.
  assert.equal(sessionsUsed(1, { slots: [slot(2, 'mine', 1), slot(2, 'x', 1)] }, own), 3);
  // A row from a hub before per-slot counters: its baseline applies to the own count.
  assert.equal(sessionsUsed(3, { mac: 'm', at: 'x', baseline: 2 }, own), 1);
  assert.equal(sessionsUsed(1, { baseline: 2 }, own), 0);
});
