// The trace bar's audit mark: the trace's stored spans beside what the audit trail recorded as they
// arrived (README "Audit trail"). Shown once the check answers; nothing for traces stored before
// the audit trail began.
import { useEffect, useState } from 'react';
import type { TraceAudit } from '../../../../src-shared/contract';
import { api } from '../../api';

const TEXT: Record<Exclude<TraceAudit['state'], 'not-recorded'>, { label: string; title: string }> = {
  verified: { label: '✓ Verified', title: 'Every span is as recorded when it arrived.' },
  'partly-recorded': { label: '✓ Verified (partly)', title: 'The spans recorded as they arrived are unchanged; some were stored before the audit trail began.' },
  altered: {
    label: '⚠ Altered',
    title: 'Some spans no longer match what was recorded when they arrived: the database file was edited behind Flowtrace. `flowtrace verify` names every such trace.',
  },
};

export function AuditMark({ traceId }: { traceId: string }) {
  const [audit, setAudit] = useState<{ traceId: string; audit: TraceAudit | null } | null>(null);
  useEffect(() => {
    let live = true;
    api.getTraceAudit(traceId).then(
      (a) => live && setAudit({ traceId, audit: a }),
      // The mark is extra: without an answer there is simply none.
      () => live && setAudit({ traceId, audit: null }),
    );
    return () => {
      live = false;
    };
  }, [traceId]);
  const a = audit?.traceId === traceId ? audit.audit : null;
  if (!a || a.state === 'not-recorded') return null;
  const text = TEXT[a.state];
  return (
    <span className={`audit-mark is-${a.state}`} data-testid="audit-mark" data-state={a.state} title={`${text.title}${a.digest ? `\nDigest ${a.digest}` : ''}`}>
      {text.label}
    </span>
  );
}
