import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

// The dashboard is served by `hmkg serve` at `/`; in development `npm run dev`
// proxies the API to a server on HMKG_DEV_API (default 127.0.0.1:8080).
// Three pages: the dashboard (index.html, also the story permalinks /s/…),
// the chrome-less story embed (embed.html, served at /embed/s/…) and
// GraphiQL (graphiql.html, served at /graphiql); httpapi serves them.
const api = process.env.HMKG_DEV_API ?? 'http://127.0.0.1:8080';

export default defineConfig({
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: false,
    chunkSizeWarningLimit: 2048,
    rollupOptions: {
      input: {
        main: resolve(__dirname, 'index.html'),
        embed: resolve(__dirname, 'embed.html'),
        graphiql: resolve(__dirname, 'graphiql.html'),
      },
    },
  },
  server: {
    proxy: {
      '/graphql': api,
      '/export': api,
    },
  },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
  },
});
