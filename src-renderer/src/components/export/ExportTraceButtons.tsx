// "Export OTLP JSON" and "Copy" for one trace: the engine writes the trace as an OTLP/JSON
// ExportTraceServiceRequest (exportTraceOtlp), which any OTLP receiver, Flowtrace included, takes
// back as the same spans. The download is a Blob behind an <a download>, so no server round trip
// and nothing the CSP has to allow; the status line says what happened, or why not.
import { useEffect, useState } from 'react';
import { api, errorMessage } from '../../api';
import './export.css';

type Status = { kind: 'idle' } | { kind: 'busy'; what: 'export' | 'copy' } | { kind: 'done'; message: string } | { kind: 'error'; message: string };

/** How long "Copied" / "Downloaded" stays before the line clears. */
const DONE_MS = 2500;

export function exportFileName(traceId: string): string {
  return `trace-${traceId}.otlp.json`;
}

async function fetchJson(traceId: string): Promise<string> {
  const json = await api.exportTraceOtlp(traceId);
  if (json === null) throw new Error('this trace is not stored (any more)');
  return json;
}

function download(json: string, fileName: string): void {
  const url = URL.createObjectURL(new Blob([json], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  // Revoked later, not at once: the browser may still be reading the Blob for the download.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export function ExportTraceButtons({ traceId }: { traceId: string }) {
  const [status, setStatus] = useState<Status>({ kind: 'idle' });

  useEffect(() => setStatus({ kind: 'idle' }), [traceId]);
  useEffect(() => {
    if (status.kind !== 'done') return;
    const timer = setTimeout(() => setStatus({ kind: 'idle' }), DONE_MS);
    return () => clearTimeout(timer);
  }, [status]);

  const run = async (what: 'export' | 'copy') => {
    setStatus({ kind: 'busy', what });
    try {
      const json = await fetchJson(traceId);
      if (what === 'export') {
        download(json, exportFileName(traceId));
        setStatus({ kind: 'done', message: 'Downloaded' });
      } else {
        if (!navigator.clipboard) throw new Error('the clipboard is not available here');
        await navigator.clipboard.writeText(json);
        setStatus({ kind: 'done', message: 'Copied' });
      }
    } catch (err) {
      setStatus({ kind: 'error', message: `${what === 'export' ? 'Export' : 'Copy'} failed: ${errorMessage(err)}` });
    }
  };

  const busy = status.kind === 'busy';
  return (
    <div className="export-buttons" data-testid="export-buttons">
      <button
        type="button"
        className="bar-button export-button"
        data-testid="export-trace"
        disabled={busy}
        title={`Download this trace as ${exportFileName(traceId)} (OTLP/JSON, re-importable)`}
        onClick={() => void run('export')}
      >
        {busy && status.what === 'export' ? 'Exporting…' : 'Export OTLP JSON'}
      </button>
      <button
        type="button"
        className="bar-button export-button"
        data-testid="copy-trace"
        disabled={busy}
        title="Copy this trace as OTLP/JSON to the clipboard"
        onClick={() => void run('copy')}
      >
        {busy && status.what === 'copy' ? 'Copying…' : 'Copy'}
      </button>
      <span
        className={status.kind === 'error' ? 'export-status error-text' : 'export-status'}
        role={status.kind === 'error' ? 'alert' : 'status'}
        data-testid="export-status"
      >
        {status.kind === 'done' || status.kind === 'error' ? status.message : ''}
      </span>
    </div>
  );
}
