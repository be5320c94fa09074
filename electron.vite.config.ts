// Builds the three parts of the app. Main has six entries: the Electron shell, the headless CLI
// (`flowtrace serve`), the store worker, which runs better-sqlite3 off the main event loop, the
// span-decode worker and the store readers beside it, and the memory process (docs/memory.md).
// Native modules stay external: they are loaded from node_modules (Node ABI) or from native/build
// (Electron ABI), never bundled.
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import pkg from './package.json' with { type: 'json' };

/**
 * `electron-vite dev` serves React-refresh as an inline script and hot updates over a WebSocket,
 * which the production CSP forbids. Relax it for the dev server only; builds keep the strict policy.
 */
function devOnlyRelaxedCsp(): Plugin {
  return {
    name: 'flowtrace-dev-csp',
    apply: 'serve',
    transformIndexHtml: (html) =>
      html.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'").replace("connect-src 'self'", "connect-src 'self' ws: http:"),
  };
}

export default defineConfig({
  main: {
    define: { __FLOWTRACE_VERSION__: JSON.stringify(pkg.version) },
    build: {
      outDir: 'out/main',
      externalizeDeps: true,
      rollupOptions: {
        input: {
          electron: resolve('src-main/electron/main.ts'),
          cli: resolve('src-main/cli.ts'),
          'store-worker': resolve('src-main/engine/store/worker.ts'),
          'span-decode-worker': resolve('src-main/engine/store/span-decode-worker.ts'),
          'store-reader': resolve('src-main/engine/store/reader.ts'),
          'store-integrity-check': resolve('src-main/engine/store/integrity-check.ts'),
          'store-checkpointer': resolve('src-main/engine/store/checkpointer.ts'),
          'memory-process': resolve('src-main/engine/memory/memory-process.ts'),
        },
        // Shared chunks sit beside the entries, so `new URL('./store-worker.js', import.meta.url)`
        // resolves from any of them (see src-main/engine/store/start-worker.ts).
        output: { chunkFileNames: '[name]-[hash].js' },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // A sandboxed preload cannot require anything but a few electron modules: bundle everything.
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve('src-preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'src-renderer',
    plugins: [react(), devOnlyRelaxedCsp()],
    build: {
      outDir: 'out/renderer',
      minify: true,
      // The UI loads from the local disk or loopback, never over a network, so the web's 500 kB
      // budget per chunk says nothing here; warn only if a chunk grows past 1 MB.
      chunkSizeWarningLimit: 1024,
      rollupOptions: { input: { index: resolve('src-renderer/index.html') } },
    },
  },
});
