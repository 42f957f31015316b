// End-to-end test of the web console in Debian's Chromium (playwright-core; never a downloaded
// browser). Run by cmd/vibestream's TestWebConsoleInBrowser against a freshly started server:
//   BASE_URL=http://127.0.0.1:PORT AUDIO_FILE=song.mp3 OUT_DIR=dir node web/e2e/console.e2e.mjs
// An artist signs up, uploads a real audio file and publishes it; a listener signs up, tops up
// by card, plays the song past the qualifying point (the <audio> element really plays), and
// sees the listen paid and the reward; the artist's earnings update without a reload. Then the
// ownership, campaign and concert screens: the artist offers shares, the listener buys some
// before the listen (so it pays them royalties), places a sell order the artist sees arrive on
// the book live, and cancels a buy order; the artist funds, pauses and ends a campaign the
// listener sees as a boost in the catalog; the artist creates an 18+ VR concert, the listener
// sets a birthdate, buys a ticket with a ZK age proof and gets a pass the artist checks in at
// the door. ADMIN_TOKEN grants the artist the campaign's VIBE (demo data the console cannot
// make). Any browser console error, page error or failed request fails the test. Screenshots
// go to OUT_DIR.
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

const base = process.env.BASE_URL;
const audioFile = process.env.AUDIO_FILE;
const out = process.env.OUT_DIR ?? "test-output/web-e2e";
const adminToken = process.env.ADMIN_TOKEN;
if (!base || !audioFile || !adminToken) throw new Error("BASE_URL, AUDIO_FILE and ADMIN_TOKEN are required");
mkdirSync(out, { recursive: true });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--autoplay-policy=no-user-gesture-required", "--mute-audio"],
});
const problems = [];
let shot = 0;
const started = Date.now();
const step = (msg) => console.log(`[e2e] ${((Date.now() - started) / 1000).toFixed(1)}s ${msg}`);

// api calls the public API from the test itself (only for what the console cannot do: grants)
async function api(path, token, body, headers = {}) {
  const res = await fetch(base + "/api/v1" + path, {
    method: body === undefined ? "GET" : "POST",
    headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "Content-Type": "application/json" }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}
const tokenOf = (page) => page.evaluate(() => JSON.parse(localStorage.getItem("vibestream.tokens")).access_token);
/** go opens a screen by its nav link (from another screen, so the view renders afresh). */
async function go(page, link, heading) {
  await page.getByRole("link", { name: link, exact: true }).click();
  await page.getByRole("heading", { name: heading, exact: true }).first().waitFor();
}

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

  // the artist offers 2,000 of the song's 10,000 shares: holders get 20% of each listen
  const offer = artist.page.locator("form", { has: artist.page.getByRole("heading", { name: "Offer shares" }) });
  await offer.getByLabel("Song").selectOption({ label: "First Light" });
  await offer.getByLabel("Holders' cut").fill("20");
  await offer.getByLabel("Shares for sale").fill("2000");
  await offer.getByLabel("Price per share (USD)").fill("0.001");
  await offer.getByRole("button", { name: "Open offering" }).click();
  await artist.page.getByTestId("offering-status").filter({ hasText: "open" }).waitFor();
  await artist.page.getByTestId("my-offerings").filter({ hasText: "First Light" }).waitFor();
  await snap(artist.page, "artist-offering");
  step("offering open");

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

  // the market: the listener buys 1,000 shares (10% of the song) from the offering
  await go(listener.page, "Market", "Market");
  await listener.page.getByTestId("market").filter({ hasText: "First Light" }).waitFor();
  await snap(listener.page, "market");
  await listener.page.getByRole("button", { name: "Trade First Light" }).click();
  const buyForm = listener.page.locator("form", { has: listener.page.getByRole("heading", { name: "Buy from the offering" }) });
  await buyForm.getByLabel("Shares").fill("1000");
  await buyForm.getByRole("button", { name: "Buy shares" }).click();
  await listener.page.getByTestId("purchase-status").filter({ hasText: "Bought 1000 shares for $1" }).waitFor();
  await snap(listener.page, "market-bought-shares");
  step("listener bought 1000 shares");

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
  await listener.page.getByTestId("available-USD").filter({ hasText: "3.990000" }).waitFor(); // 5 - 1 (shares) - 0.01
  await snap(listener.page, "wallet-after-listen");

  // the artist's earnings updated live (no reload since the studio was opened)
  await artist.page.getByTestId("total-listens").filter({ hasText: /^1$/ }).waitFor();
  await snap(artist.page, "artist-earnings-live");
  step("artist earnings updated live");

  // the book, live: the artist watches the song's book; the listener's sell order appears on it
  await go(artist.page, "Market", "Market");
  await artist.page.getByRole("button", { name: "Trade First Light" }).click();
  await artist.page.getByTestId("book-live").waitFor();
  await go(listener.page, "Market", "Market");
  await listener.page.getByRole("button", { name: "Trade First Light" }).click();
  const orderForm = listener.page.locator("form", { has: listener.page.getByRole("heading", { name: "Place a limit order" }) });
  await orderForm.getByLabel("Side").selectOption("sell");
  await orderForm.getByLabel("Shares").fill("400");
  await orderForm.getByLabel("Limit price (USD)").fill("0.002");
  await orderForm.getByRole("button", { name: "Place order" }).click();
  await listener.page.getByTestId("order-status").filter({ hasText: "sell 400 @ $0.002: open" }).waitFor();
  await artist.page.getByTestId("book-asks").getByTestId("level-shares").filter({ hasText: /^400$/ }).waitFor();
  await artist.page.getByTestId("book-live").filter({ hasText: "updated live" }).waitFor();
  await snap(artist.page, "market-book-live");
  step("sell order on the book, seen live by the artist");
  await orderForm.getByLabel("Side").selectOption("buy");
  await orderForm.getByLabel("Shares").fill("100");
  await orderForm.getByLabel("Limit price (USD)").fill("0.0005");
  await orderForm.getByRole("button", { name: "Place order" }).click();
  await listener.page.getByTestId("order-status").filter({ hasText: "buy 100 @ $0.0005: open" }).waitFor();
  await listener.page.getByTestId("book-bids").getByTestId("level-shares").filter({ hasText: /^100$/ }).waitFor();
  await snap(listener.page, "market-orders");

  // the portfolio: the listen paid the holders royalties; the buy order is cancelled
  await go(listener.page, "Portfolio", "Portfolio");
  await listener.page.getByTestId("portfolio").filter({ hasText: "First Light" }).waitFor();
  await listener.page.waitForFunction(() => {
    const td = document.querySelector('[data-testid="royalties-earned"]');
    return td && Number(td.textContent.replace("$", "")) > 0;
  }, null, { timeout: 30_000 }).catch(async (e) => {
    // the royalty accrues asynchronously: re-read once before failing
    await go(listener.page, "Market", "Market");
    await go(listener.page, "Portfolio", "Portfolio");
    const v = await listener.page.getByTestId("royalties-earned").first().textContent();
    if (!(Number(v.replace("$", "")) > 0)) throw e;
  });
  await listener.page.getByRole("button", { name: "Cancel buy order of 100" }).click();
  await listener.page.getByText("Order cancelled.").waitFor();
  await listener.page.locator('tr[data-order]', { hasText: "buy" }).getByTestId("order-state").filter({ hasText: "cancelled" }).waitFor();
  const earned = await listener.page.getByTestId("royalties-earned").first().textContent();
  await snap(listener.page, "portfolio-royalties-orders");
  await listener.page.getByRole("button", { name: "Claim royalties" }).click();
  await listener.page.getByTestId("royalty-claim").filter({ hasText: `Claimed ${earned} of royalties` }).waitFor();
  step(`portfolio: royalties ${earned} earned and claimed`);

  // a campaign: the artist (granted 20 VIBE) funds a 2x boost, the listener sees it, the artist
  // pauses and ends it
  const artistMe = await api("/users/me", await tokenOf(artist.page));
  await api("/admin/grants", adminToken, { user_id: artistMe.id, asset: "VIBE", amount: "20", reason: "console e2e: campaign budget" }, { "Idempotency-Key": `e2e-${tag}` });
  await go(artist.page, "Campaigns", "Campaigns");
  await artist.page.getByLabel("Campaign name").fill("Launch week");
  await artist.page.getByLabel("Songs").selectOption({ label: "First Light" });
  const soon = await artist.page.evaluate(() => {
    const d = new Date(Date.now() + 4000);
    const p = (n) => String(n).padStart(2, "0");
    return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
  });
  await artist.page.getByLabel("Starts").fill(soon);
  await artist.page.getByLabel("Reward boost").fill("2");
  await artist.page.getByLabel("Budget (VIBE)").fill("5");
  await artist.page.getByRole("button", { name: "Create draft" }).click();
  const card = artist.page.locator("article.campaign", { hasText: "Launch week" });
  await card.getByTestId("campaign-status").filter({ hasText: "draft" }).waitFor();
  await card.getByRole("button", { name: "Fund and activate" }).click();
  await card.getByTestId("campaign-status").filter({ hasText: "active" }).waitFor({ timeout: 30_000 });
  await snap(artist.page, "campaign-active");
  step("campaign funded and active");
  await go(listener.page, "Catalog", "Catalog");
  await listener.page.locator("li.song", { hasText: "First Light" }).getByTestId("boost").filter({ hasText: "2× rewards" }).waitFor();
  await listener.page.getByTestId("boosted").filter({ hasText: "First Light (2× rewards)" }).waitFor();
  await snap(listener.page, "catalog-boosted");
  await card.getByRole("button", { name: "Pause" }).click();
  await card.getByTestId("campaign-status").filter({ hasText: "paused" }).waitFor();
  await card.getByRole("button", { name: "End" }).click();
  await card.getByTestId("campaign-status").filter({ hasText: "ended" }).waitFor();
  await card.getByTestId("analytics").filter({ hasText: "Boosted listens 0" }).waitFor();
  await snap(artist.page, "campaign-ended-analytics");
  step("campaign paused and ended");

  // a VR concert, 18+: the listener sets a birthdate, buys with a ZK age proof, gets a pass; the
  // artist checks it in at the door
  await go(artist.page, "Concerts", "VR concerts");
  const concertForm = artist.page.locator("form", { has: artist.page.getByRole("heading", { name: "New VR concert" }) });
  await concertForm.getByLabel("Title").fill("Launch Party VR");
  await concertForm.getByLabel("Ticket price (USD)").fill("2.00");
  await concertForm.getByLabel("Minimum age").fill("18");
  await concertForm.getByLabel("Venue URL").fill("https://vr.example.com/rooms/launch");
  await concertForm.getByRole("button", { name: "Create concert" }).click();
  await artist.page.getByTestId("my-concerts").filter({ hasText: "Launch Party VR" }).waitFor();
  await snap(artist.page, "artist-concert");
  step("concert created");
  await go(listener.page, "Concerts", "VR concerts");
  await listener.page.getByRole("button", { name: "Buy a ticket for Launch Party VR" }).click();
  await listener.page.getByRole("heading", { name: "Age check" }).waitFor();
  await listener.page.getByLabel("Birthdate").fill("1990-05-17");
  await snap(listener.page, "concert-age-gate");
  await listener.page.getByRole("button", { name: "Save and buy" }).click();
  await listener.page.getByTestId("age-proof").filter({ hasText: "at least 18" }).waitFor();
  const ticket = listener.page.getByTestId("my-tickets").locator("article.ticket", { hasText: "Launch Party VR" });
  await ticket.getByTestId("ticket-status").filter({ hasText: "valid" }).waitFor();
  await ticket.getByTestId("checkin-status").filter({ hasText: "not checked in" }).waitFor();
  const pass = await ticket.getByTestId("pass").inputValue();
  if (pass.split(".").length !== 3) throw new Error(`the access pass is not a JWT: ${pass}`);
  await snap(listener.page, "concert-ticket-pass");
  step("ticket bought with a ZK age proof");
  await go(artist.page, "Catalog", "Catalog");
  await go(artist.page, "Concerts", "VR concerts");
  const mine = artist.page.getByTestId("my-concerts").locator("article.concert", { hasText: "Launch Party VR" });
  await mine.getByLabel("Door: a pass for Launch Party VR").fill(pass);
  await mine.getByRole("button", { name: "Check in" }).click();
  await artist.page.getByTestId("my-concerts").getByTestId("door-status").filter({ hasText: "checked in" }).waitFor();
  await artist.page.getByTestId("my-concerts").getByTestId("inside").filter({ hasText: /^1$/ }).waitFor();
  await snap(artist.page, "artist-door-checkin");
  await ticket.getByTestId("checkin-status").filter({ hasText: /^checked in$/ }).waitFor();
  await snap(listener.page, "concert-checked-in");
  step("pass checked in");

  // a small screen: the layout reflows
  await listener.page.setViewportSize({ width: 390, height: 844 });
  await snap(listener.page, "concerts-mobile");
  await go(listener.page, "Market", "Market");
  await listener.page.getByRole("button", { name: "Trade First Light" }).click();
  await listener.page.getByTestId("book-live").waitFor();
  await snap(listener.page, "market-mobile");
  await go(listener.page, "Wallet", "Wallet");
  await listener.page.getByTestId("balances").waitFor();
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
