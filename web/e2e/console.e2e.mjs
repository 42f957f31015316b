// End-to-end test of the web console in Debian's Chromium (playwright-core; never a downloaded
// browser). Run by cmd/vibestream's TestWebConsoleInBrowser against a freshly started server:
//   BASE_URL=http://127.0.0.1:PORT AUDIO_FILE=song.mp3 OUT_DIR=dir node web/e2e/console.e2e.mjs
// An artist signs up, uploads a real audio file and publishes it; a listener signs up, tops up
// by card, plays the song past the qualifying point (the <audio> element really plays), and
// sees the listen paid and the reward; the artist's earnings update without a reload. Any
// browser console error, page error or failed request fails the test. Screenshots go to OUT_DIR.
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

const base = process.env.BASE_URL;
const audioFile = process.env.AUDIO_FILE;
const out = process.env.OUT_DIR ?? "test-output/web-e2e";
if (!base || !audioFile) throw new Error("BASE_URL and AUDIO_FILE are required");
mkdirSync(out, { recursive: true });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--autoplay-policy=no-user-gesture-required", "--mute-audio"],
});
const problems = [];
let shot = 0;
const step = (msg) => console.log(`[e2e] ${msg}`);

async function newUser(name) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  const page = await context.newPage();
  page.on("console", (m) => m.type() === "error" && problems.push(`${name} console error: ${m.text()}`));
  page.on("pageerror", (e) => problems.push(`${name} page error: ${e.message}`));
  page.on("requestfailed", (r) => !r.url().includes("/api/v1/ws") && !r.url().includes("/music/stream/") && problems.push(`${name} request failed: ${r.url()} ${r.failure()?.errorText}`));
  page.setDefaultTimeout(30_000);
  return { context, page };
}

async function snap(page, label) {
  shot += 1;
  await page.screenshot({ path: join(out, `${String(shot).padStart(2, "0")}-${label}.png`), fullPage: true });
}

async function signUp(page, who, role) {
  await page.goto(base + "/");
  await page.getByRole("heading", { name: "Create an account" }).waitFor();
  const form = page.locator("form", { has: page.getByRole("heading", { name: "Create an account" }) });
  await form.getByLabel("Email").fill(`${who}@example.com`);
  await form.getByLabel("Username").fill(who);
  await form.getByLabel("Display name").fill(who.replace(/_.*/, ""));
  await form.getByLabel("Password").fill("correct horse battery");
  await form.getByLabel("I am a").selectOption(role);
  await snap(page, `${role}-signup`);
  await form.getByRole("button", { name: "Sign up" }).click();
  await page.getByRole("heading", { name: "Catalog" }).waitFor();
  await page.getByTestId("live-state").filter({ hasText: /^live$/ }).waitFor();
}

try {
  const tag = Date.now().toString(36);
  // the artist: sign up, create a song, upload real audio (progress), set the price, publish
  const artist = await newUser("artist");
  await signUp(artist.page, `artist_${tag}`, "artist");
  step("artist signed up");
  await artist.page.getByRole("link", { name: "Artist studio" }).click();
  await artist.page.getByRole("heading", { name: "Artist studio" }).waitFor();
  await artist.page.getByLabel("Title").fill("First Light");
  await artist.page.getByLabel("Genre").fill("Ambient");
  await artist.page.getByRole("button", { name: "Create song" }).click();
  const row = artist.page.locator("li.song", { hasText: "First Light" });
  await row.waitFor();
  await row.getByLabel("Audio file for First Light").setInputFiles(audioFile);
  await row.getByTestId("song-status").filter({ hasText: "ready" }).waitFor({ timeout: 60_000 });
  step("audio uploaded and transcoded");
  const ready = artist.page.locator("li.song", { hasText: "First Light" });
  await ready.getByLabel("Price per listen of First Light (USD)").fill("0.01");
  await ready.getByRole("button", { name: "Set price" }).click();
  await artist.page.getByText("Price saved.").waitFor();
  await artist.page.locator("li.song", { hasText: "First Light" }).getByRole("button", { name: "Publish" }).click();
  await artist.page.locator("li.song", { hasText: "First Light" }).getByTestId("song-status").filter({ hasText: "published" }).waitFor();
  await snap(artist.page, "artist-studio-published");
  step("song published");

  // the listener: sign up, top up by card (local stripe-mock + test confirmation)
  const listener = await newUser("listener");
  await signUp(listener.page, `listener_${tag}`, "listener");
  await snap(listener.page, "catalog");
  await listener.page.getByRole("link", { name: "Wallet" }).click();
  await listener.page.getByRole("heading", { name: "Top up by card" }).waitFor();
  await listener.page.getByLabel("Amount (USD)").fill("5");
  await listener.page.getByRole("button", { name: "Top up" }).click();
  await listener.page.getByTestId("topup-status").filter({ hasText: "succeeded" }).waitFor();
  await listener.page.getByTestId("available-USD").filter({ hasText: "5.000000" }).waitFor();
  await snap(listener.page, "wallet-topped-up");
  step("listener topped up $5 by card");

  // play past the qualifying point: the audio element really plays
  await listener.page.getByRole("link", { name: "Catalog" }).click();
  await listener.page.getByLabel("Search the catalog").fill("First Light");
  await listener.page.getByRole("button", { name: "Search" }).click();
  await listener.page.getByRole("button", { name: "Play First Light" }).click();
  const audio = listener.page.getByTestId("audio");
  await listener.page.waitForFunction(() => document.querySelector("audio").currentTime > 0.5);
  const t1 = await audio.evaluate((a) => a.currentTime);
  await listener.page.waitForFunction((t) => document.querySelector("audio").currentTime > t + 1, t1);
  const t2 = await audio.evaluate((a) => a.currentTime);
  if (!(t2 > t1)) throw new Error(`audio currentTime did not advance (${t1} -> ${t2})`);
  step(`audio playing: currentTime ${t1.toFixed(2)} -> ${t2.toFixed(2)}`);
  await snap(listener.page, "player-listening");
  const status = listener.page.getByTestId("listen-status");
  await listener.page.locator('[data-testid="listen-status"][data-state="qualified-paid-rewarded"]').waitFor({ timeout: 60_000 });
  const text = await status.textContent();
  if (!/Paid \$0\.01/.test(text) || !/Reward: 1 VIBE \(accrued\)/.test(text)) throw new Error(`unexpected listen status: ${text}`);
  await snap(listener.page, "player-paid-and-rewarded");
  step(`listen: ${text}`);

  await listener.page.getByRole("link", { name: "Wallet" }).click();
  await listener.page.getByTestId("claimable").filter({ hasText: "1.000000000 VIBE" }).waitFor();
  await listener.page.getByTestId("available-USD").filter({ hasText: "4.990000" }).waitFor();
  await snap(listener.page, "wallet-after-listen");

  // the artist's earnings updated live (no reload since the studio was opened)
  await artist.page.getByTestId("total-listens").filter({ hasText: /^1$/ }).waitFor();
  await snap(artist.page, "artist-earnings-live");
  step("artist earnings updated live");

  // a small screen: the layout reflows
  await listener.page.setViewportSize({ width: 390, height: 844 });
  await snap(listener.page, "wallet-mobile");
} catch (err) {
  problems.push(`step failed: ${err.stack ?? err}`);
} finally {
  await browser.close();
}
if (problems.length) {
  console.error(problems.join("\n"));
  process.exit(1);
}
console.log(`[e2e] ok; screenshots in ${out}`);
