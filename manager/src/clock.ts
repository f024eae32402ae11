// Time as the manager records it: ISO-8601 UTC text with milliseconds (it sorts as text).

export type Clock = () => Date;

export const systemClock: Clock = () => new Date();

export function timestamp(clock: Clock = systemClock): string {
  return clock().toISOString();
}
