// The REST API's origin for the commands the Memory page shows: the page's own when it is served
// by `flowtrace serve`; in the desktop app (app:// pages, no HTTP origin) the headless default.
export const DEFAULT_API_ORIGIN = 'http://127.0.0.1:9600';

export function apiOrigin(loc: { protocol: string; origin: string }): string {
  return loc.protocol === 'http:' || loc.protocol === 'https:' ? loc.origin : DEFAULT_API_ORIGIN;
}
