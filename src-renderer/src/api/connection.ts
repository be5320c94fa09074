// Whether the UI can reach the engine, for the header's connection dot. In a browser the ingest
// WebSocket is the witness: open means connected; a close (server stopped, network gone) means
// lost until a reconnect (ingest-socket.ts, with backoff) opens it again. In Electron the engine is
// in-process behind IPC, so always connected.
import { create } from 'zustand';

export type ConnectionStatus = 'connecting' | 'connected' | 'lost';

export interface ConnectionState {
  status: ConnectionStatus;
  /** When the next reconnect attempt is due (epoch ms), while lost. */
  retryAt: number | null;
}

export const useConnection = create<ConnectionState>()(() => ({ status: 'connecting', retryAt: null }));

export function setConnection(status: ConnectionStatus, retryAt: number | null = null): void {
  const s = useConnection.getState();
  if (s.status !== status || s.retryAt !== retryAt) useConnection.setState({ status, retryAt });
}
