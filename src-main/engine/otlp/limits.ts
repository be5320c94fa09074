/** Bounds on what one request may contain. Exceeding a structural bound makes the request a 400. */

/** Deeper AnyValue nesting than this is refused: it only ever comes from a broken or hostile client. */
export const MAX_ANY_VALUE_DEPTH = 32;
/** Decompressed body limit for OTLP/HTTP, the spec's recommended 20 MiB. */
export const MAX_HTTP_BODY_BYTES = 20 * 1024 * 1024;
