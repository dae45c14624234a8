import { defineConfig } from 'vitest/config';

// The dashboard is served by `hmkg serve` at `/`; in development `npm run dev`
// proxies the API to a server on HMKG_DEV_API (default 127.0.0.1:8080).
const api = process.env.HMKG_DEV_API ?? 'http://127.0.0.1:8080';

export default defineConfig({
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: false,
    chunkSizeWarningLimit: 1024,
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
