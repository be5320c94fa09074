// Banner above every view while an OTLP receiver does not listen (its port is busy: another
// collector, another Flowtrace). Flowtrace runs anyway; the banner says which port, held by whom
// when the engine can tell, and binds it again in one click: the same port once freed, or the
// first free one above. After a move it says where exporters must now point.
import { useState } from 'react';
import { RECEIVER_LABELS, type ReceiverRetry, type ReceiverStatus } from '../../../src-shared/contract';
import { api, errorMessage } from '../api';
import { loadInfo, noteReceiverMoved } from '../state/loaders';
import { useDataStore } from '../state/data-store';


function ReceiverDown({ receiver }: { receiver: ReceiverStatus }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const retry = async (options: ReceiverRetry) => {
    setBusy(true);
    setError(null);
    try {
      const now = await api.retryReceiver(receiver.kind, options);
      if (now.state !== 'listening') setError(now.error ?? `still ${now.state}`);
      else if (now.port !== receiver.port) noteReceiverMoved(now.kind, now.endpoint);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
      await loadInfo();
    }
  };
  return (
    <section className="store-notice is-error" role="alert" data-testid="receiver-banner" data-receiver={receiver.kind} data-state={receiver.state}>
      <div className="notice-row">
        <span className="notice-icon" aria-hidden="true">
          !
        </span>
        <p className="notice-message" data-testid="receiver-banner-message">
          {RECEIVER_LABELS[receiver.kind]} is not receiving: {receiver.error ?? receiver.state}. Everything else works.
        </p>
        <button type="button" className="notice-more" disabled={busy} data-testid="receiver-retry" onClick={() => void retry({})}>
          Retry port {receiver.port}
        </button>
        <button type="button" className="notice-more" disabled={busy} data-testid="receiver-next-port" onClick={() => void retry({ port: 'next' })}>
          Use another port
        </button>
      </div>
      {error && (
        <p className="notice-message" data-testid="receiver-retry-error">
          {error}
        </p>
      )}
    </section>
  );
}

function ReceiverMoved({ kind, endpoint }: { kind: ReceiverStatus['kind']; endpoint: string }) {
  const dismiss = () => noteReceiverMoved(kind, null);
  const protocol = kind === 'otlp-grpc' ? ' with OTEL_EXPORTER_OTLP_PROTOCOL=grpc' : '';
  return (
    <section className="store-notice is-warning" role="status" data-testid="receiver-moved" data-receiver={kind}>
      <div className="notice-row">
        <span className="notice-icon" aria-hidden="true">
          i
        </span>
        <p className="notice-message">
          {RECEIVER_LABELS[kind]} now listens on <code>{endpoint}</code>: point exporters there (OTEL_EXPORTER_OTLP_ENDPOINT={endpoint}
          {protocol}). It is back on the usual port after a restart once that port is free.
        </p>
        <button type="button" className="notice-dismiss" aria-label="Dismiss" title="Dismiss" onClick={dismiss}>
          ×
        </button>
      </div>
    </section>
  );
}

export function ReceiverBanner() {
  const receivers = useDataStore((s) => s.info?.receivers);
  const moved = useDataStore((s) => s.movedReceivers);
  if (!receivers) return null;
  return (
    <>
      {receivers.map((r) => {
        if (r.state !== 'listening') return <ReceiverDown key={r.kind} receiver={r} />;
        const endpoint = moved[r.kind];
        return endpoint ? <ReceiverMoved key={r.kind} kind={r.kind} endpoint={endpoint} /> : null;
      })}
    </>
  );
}
