/** Time is injected so tests can fake it; nothing else is. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
