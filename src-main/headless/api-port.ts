/**
 * Where the REST API listens by default, in one place for both shells and the CLI (which must not
 * load the server to know it): `serve` on 9600, the desktop app on 9600..9610 then any free port.
 */
export const DEFAULT_API_PORT = 9600;

/** 9600..9610, then whatever the OS gives. */
export const DESKTOP_API_PORTS: readonly number[] = [...Array.from({ length: 11 }, (_, i) => DEFAULT_API_PORT + i), 0];

export const DEFAULT_API_URL = `http://127.0.0.1:${DEFAULT_API_PORT}`;
