// Builds the web console: the OpenAPI document served by the binary -> web/src/api/openapi.json
// -> TypeScript types (openapi-typescript) -> type check (tsc) -> Vite build into web/dist, then
// records the hash of web/'s sources in web/dist/source-hash. The binary embeds web/dist; a Go
// test (web/embed_test.go) recomputes the hash and fails when the build is stale or missing.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative, sep } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const web = join(root, "web");
const bin = (name) => join(root, "node_modules", ".bin", name);
const run = (cmd, args, opts = {}) => execFileSync(cmd, args, { cwd: root, stdio: ["ignore", "inherit", "inherit"], ...opts });

// --if-stale: skip the build when web/dist already holds the build of these sources.
if (process.argv.includes("--if-stale")) {
  let built = "";
  try {
    built = readFileSync(join(web, "dist", "source-hash"), "utf8").trim();
  } catch {
    // not built yet
  }
  let builtDoc = "";
  try {
    builtDoc = readFileSync(join(web, "dist", "openapi-hash"), "utf8").trim();
  } catch {
    // not built yet
  }
  if (built === sourceHash(web) && builtDoc === docHash()) {
    console.log("web console up to date (web/dist)");
    process.exit(0);
  }
}
const doc = execFileSync("go", ["run", "./cmd/vibestream", "openapi"], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
writeFileSync(join(web, "src", "api", "openapi.json"), JSON.stringify(JSON.parse(doc), null, 2) + "\n");
run(bin("openapi-typescript"), ["web/src/api/openapi.json", "-o", "web/src/api/schema.d.ts", "--silent"]);
run(bin("tsc"), ["-p", "web/tsconfig.json"]);
run(bin("vite"), ["build", "--config", "web/vite.config.ts", "--logLevel", "warn"]);
writeFileSync(join(web, "dist", "source-hash"), sourceHash(web) + "\n");
writeFileSync(join(web, "dist", "openapi-hash"), docHash() + "\n");
console.log("web console built into web/dist");

// docHash fingerprints the OpenAPI fragments the served document is made of (api/openapi), so
// `make web` regenerates the types when the API changes.
function docHash() {
  const dir = join(root, "api", "openapi");
  const h = createHash("sha256");
  for (const f of readdirSync(dir).sort()) h.update(f + "\0").update(readFileSync(join(dir, f))).update("\0");
  return h.digest("hex");
}

// sourceHash must match web/embed_test.go: sha256 over "path\0content\0" of every file under
// web/ except dist/, e2e/ and Go files, in byte order of their slash-separated paths.
function sourceHash(dir) {
  const files = [];
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const rel = relative(dir, p).split(sep).join("/");
      if (statSync(p).isDirectory()) {
        if (rel !== "dist" && rel !== "e2e" && rel !== "node_modules") walk(p);
      } else if (!rel.endsWith(".go")) files.push(rel);
    }
  };
  walk(dir);
  files.sort((a, b) => (Buffer.from(a) < Buffer.from(b) ? -1 : Buffer.from(a) > Buffer.from(b) ? 1 : 0));
  const h = createHash("sha256");
  for (const f of files) {
    h.update(f + "\0");
    h.update(readFileSync(join(dir, f)));
    h.update("\0");
  }
  return h.digest("hex");
}
