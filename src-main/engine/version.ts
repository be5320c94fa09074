/** The app version, injected by the bundler when built; read from package.json when run from source. */
declare const __FLOWTRACE_VERSION__: string | undefined;
export const VERSION: string = typeof __FLOWTRACE_VERSION__ === 'string' ? __FLOWTRACE_VERSION__ : '0.1.0-dev';
