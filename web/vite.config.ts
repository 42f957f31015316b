import { defineConfig } from "vite";

// The console is served by the Go binary from the embedded web/dist (see web/embed.go).
// `npm run web:dev` proxies the API to a local `make run` on :3000.
export default defineConfig({
  root: import.meta.dirname,
  base: "/",
  build: { outDir: "dist", emptyOutDir: true, sourcemap: false, assetsDir: "assets" },
  server: {
    host: "127.0.0.1",
    proxy: { "/api": { target: "http://127.0.0.1:3000", ws: true }, "/health": "http://127.0.0.1:3000" },
  },
});
