// Banner above every view for what the store had to do (a damaged file moved aside, a full disk):
// the newest undismissed notice, its time and a dismiss button; "+N more" unfolds the older ones.
// Messages are engine text shown as plain text (React escapes it), never as markup.
import { useMemo, useState } from 'react';
import type { StoreNotice } from '../../../src-shared/contract';
import { formatWallClock } from '../lib/time';
import { noticeKey, visibleNotices } from '../lib/notices';
import { useDataStore } from '../state/data-store';
import { dismissNotice, useUiStore } from '../state/ui-store';

function NoticeTime({ at }: { at: number }) {
  const d = new Date(at);
  return (
    <time className="notice-time" dateTime={Number.isNaN(d.getTime()) ? undefined : d.toISOString()}>
      {formatWallClock(at)}
    </time>
  );
}

function DismissButton({ notice }: { notice: StoreNotice }) {
  return (
    <button type="button" className="notice-dismiss" aria-label="Dismiss" title="Dismiss" onClick={() => dismissNotice(notice)}>
      ×
    </button>
  );
}

export function StoreNotices() {
  const notices = useDataStore((s) => s.notices);
  const dismissed = useUiStore((s) => s.dismissedNotices);
  const [expanded, setExpanded] = useState(false);
  const visible = useMemo(() => visibleNotices(notices, dismissed), [notices, dismissed]);
  const [newest, ...older] = visible;
  if (!newest) return null;

  // An error interrupts (alert); a warning is announced politely (status).
  return (
    <section
      className={`store-notice is-${newest.level}`}
      data-testid="store-notice"
      data-level={newest.level}
      role={newest.level === 'error' ? 'alert' : 'status'}
    >
      <div className="notice-row">
        <span className="notice-icon" aria-hidden="true">
          {newest.level === 'error' ? '!' : 'i'}
        </span>
        <p className="notice-message" data-testid="store-notice-message">
          {newest.message}
        </p>
        <NoticeTime at={newest.at} />
        {older.length > 0 && (
          <button
            type="button"
            className="notice-more"
            aria-expanded={expanded}
            data-testid="store-notice-more"
            onClick={() => setExpanded((e) => !e)}
          >
            {expanded ? 'Show less' : `+${older.length} more`}
          </button>
        )}
        <DismissButton notice={newest} />
      </div>
      {expanded && older.length > 0 && (
        <ul className="notice-older" data-testid="store-notice-older">
          {older.map((n) => (
            <li key={noticeKey(n)} className={`is-${n.level}`}>
              <p className="notice-message">{n.message}</p>
              <NoticeTime at={n.at} />
              <DismissButton notice={n} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
