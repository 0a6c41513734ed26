import { defineConfig } from 'vite';

// The gateway serves the output at / and /assets/; the build folder is passed by CMake
// (TRACEGATE_WEB_OUT) so the source tree stays clean.
export default defineConfig({
  base: '/',
  build: {
    outDir: process.env.TRACEGATE_WEB_OUT ?? 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    target: 'es2022',
  },
  oxc: {
    jsx: { runtime: 'automatic', importSource: 'preact' },
  },
});
