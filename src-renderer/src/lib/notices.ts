// Pure helpers for the store notices the engine reports in getStats (a quarantined database, a
// full disk): reading them defensively and picking the ones the user has not dismissed.
import type { StoreNotice } from '../../../src-shared/contract';

/** Identifies one notice; the engine has no ids, and the same message can recur at another time. */
export function noticeKey(n: StoreNotice): string {
  return `${n.at}|${n.message}`;
}

/** Well-formed notices from whatever the transport handed us; an older engine sends none. */
export function readNotices(value: unknown): StoreNotice[] {
  if (!Array.isArray(value)) return [];
  return value.filter(
    (n): n is StoreNotice =>
      !!n &&
      typeof n === 'object' &&
      ((n as StoreNotice).level === 'error' || (n as StoreNotice).level === 'warning') &&
      typeof (n as StoreNotice).message === 'string' &&
      typeof (n as StoreNotice).at === 'number',
  );
}

/** Notices not dismissed yet, newest first (the engine sends them newest last). */
export function visibleNotices(notices: readonly StoreNotice[], dismissed: ReadonlySet<string>): StoreNotice[] {
  return notices.filter((n) => !dismissed.has(noticeKey(n))).reverse();
}

/** Whether two notice lists are the same, so an unchanged answer does not re-render the banner. */
export function sameNotices(a: readonly StoreNotice[], b: readonly StoreNotice[]): boolean {
  return a.length === b.length && a.every((n, i) => noticeKey(n) === noticeKey(b[i]!) && n.level === b[i]!.level);
}
