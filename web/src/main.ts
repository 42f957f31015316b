import "./style.css";
import { newKey, onAuthChange, request, setTokens, upload, accessToken } from "./api";
import type { Balances, Earnings, LedgerLine, Payment, Rewards, Session, Song, TokenPair, TopUp, User, Wallet, WalletChallenge } from "./api";
import { field, h, replace } from "./dom";
import { connectLive, disconnectLive, onLive, onLiveState } from "./live";
import { busy, fmtSeconds, isArtist, myPublishedSongs, notice, refreshers, session, showError, submitter, trimMoney } from "./ui";
import { marketView, offeringSection, portfolioView } from "./market";
import { boostBadge, boostedSongs, campaignsView } from "./campaigns";
import { concertsView } from "./concerts";

const main = document.getElementById("main")!;
const nav = document.getElementById("nav")!;
const who = document.getElementById("who")!;

// ---------- routing ----------

const routes: Record<string, { title: string; view: () => Promise<HTMLElement> | HTMLElement; auth: boolean; artist?: boolean }> = {
  "/login": { title: "Sign in", view: loginView, auth: false },
  "/catalog": { title: "Catalog", view: catalogView, auth: true },
  "/market": { title: "Market", view: marketView, auth: true },
  "/portfolio": { title: "Portfolio", view: portfolioView, auth: true },
  "/concerts": { title: "VR concerts", view: concertsView, auth: true },
  "/wallet": { title: "Wallet", view: walletView, auth: true },
  "/artist": { title: "Artist studio", view: artistView, auth: true, artist: true },
  "/campaigns": { title: "Campaigns", view: async () => campaignsView(await myPublishedSongs()), auth: true, artist: true },
};

function route(): string {
  const r = location.hash.replace(/^#/, "") || "/catalog";
  return routes[r] ? r : "/catalog";
}

async function render(): Promise<void> {
  refreshers.length = 0;
  let r = route();
  if (routes[r].auth && !session.me) r = "/login";
  if (!routes[r].auth && session.me) r = "/catalog";
  if (routes[r].artist && !isArtist()) r = "/catalog";
  if (`#${r}` !== location.hash) history.replaceState(null, "", `#${r}`);
  document.title = `${routes[r].title} · VibeStream`;
  renderNav(r);
  try {
    const view = await routes[r].view();
    replace(main, view);
    main.focus({ preventScroll: true });
  } catch (err) {
    showError(err);
  }
}

function renderNav(current: string): void {
  const link = (path: string, label: string) =>
    h("a", { href: `#${path}`, "aria-current": current === path ? "page" : undefined }, label);
  if (!session.me) {
    replace(nav);
    replace(who);
    return;
  }
  replace(
    nav,
    link("/catalog", "Catalog"),
    link("/market", "Market"),
    link("/portfolio", "Portfolio"),
    link("/concerts", "Concerts"),
    link("/wallet", "Wallet"),
    isArtist() ? link("/artist", "Artist studio") : null,
    isArtist() ? link("/campaigns", "Campaigns") : null,
  );
  const live = h("span", { class: "live", "data-testid": "live-state" }, "offline");
  onLiveState((s) => {
    live.textContent = s;
    live.className = `live ${s}`;
  });
  replace(
    who,
    live,
    h("span", {}, `${session.me.display_name} (${session.me.roles.join(", ")})`),
    h("button", { type: "button", class: "link", onclick: () => void logout() }, "Sign out"),
  );
}

async function loadMe(): Promise<void> {
  session.me = accessToken() ? await request<User>("/users/me").catch(() => null) : null;
  if (session.me) connectLive();
  else disconnectLive();
}

async function logout(): Promise<void> {
  const stored = localStorage.getItem("vibestream.tokens");
  const rt = stored ? (JSON.parse(stored) as TokenPair).refresh_token : undefined;
  player.stop();
  try {
    if (rt) await request("/auth/logout", { method: "POST", body: { refresh_token: rt } });
  } catch {
    // the tokens are dropped locally whatever the server says
  }
  setTokens(null);
}

// ---------- sign in / sign up ----------

function loginView(): HTMLElement {
  const email = h("input", { type: "email", name: "email", autocomplete: "email", required: true });
  const password = h("input", { type: "password", name: "password", autocomplete: "current-password", required: true, minlength: 8 });
  const signIn = h(
    "form",
    {
      "aria-labelledby": "signin-title",
      onsubmit: (ev: Event) => {
        ev.preventDefault();
        void busy(submitter(ev), async () => {
          setTokens(await request<TokenPair>("/auth/login", { body: { email: email.value, password: password.value }, auth: false }));
        });
      },
    },
    h("h2", { id: "signin-title" }, "Sign in"),
    field("Email", email),
    field("Password", password),
    h("button", { type: "submit" }, "Sign in"),
  );
  const rEmail = h("input", { type: "email", name: "email", autocomplete: "email", required: true });
  const rUser = h("input", { name: "username", autocomplete: "username", required: true, pattern: "[a-z0-9_]{3,30}" });
  const rName = h("input", { name: "display_name", autocomplete: "name", required: true });
  const rPass = h("input", { type: "password", name: "password", autocomplete: "new-password", required: true, minlength: 8 });
  const rRole = h("select", { name: "role" }, h("option", { value: "listener" }, "Listener"), h("option", { value: "artist" }, "Artist"));
  const signUp = h(
    "form",
    {
      "aria-labelledby": "signup-title",
      onsubmit: (ev: Event) => {
        ev.preventDefault();
        void busy(submitter(ev), async () => {
          setTokens(
            await request<TokenPair>("/auth/register", {
              body: { email: rEmail.value, username: rUser.value, display_name: rName.value, password: rPass.value, role: rRole.value },
              auth: false,
            }),
          );
        });
      },
    },
    h("h2", { id: "signup-title" }, "Create an account"),
    field("Email", rEmail),
    field("Username", rUser, "3-30 lower-case letters, digits or _"),
    field("Display name", rName),
    field("Password", rPass, "at least 8 characters"),
    field("I am a", rRole),
    h("button", { type: "submit" }, "Sign up"),
  );
  return h("div", { class: "grid two" }, h("section", { class: "card" }, signIn), h("section", { class: "card" }, signUp));
}

// ---------- catalog and player ----------

async function catalogView(): Promise<HTMLElement> {
  const q = h("input", { type: "search", name: "q", placeholder: "Title, artist or genre", maxlength: 200 });
  const list = h("ul", { class: "songs", "aria-live": "polite", "aria-label": "Songs" });
  const boosted = h("p", { "data-testid": "boosted", "aria-live": "polite" });
  const search = async () => {
    const [page, boosts] = await Promise.all([
      request<{ items: Song[] }>(`/music/songs?limit=50${q.value ? `&q=${encodeURIComponent(q.value)}` : ""}`),
      boostedSongs(),
    ]);
    replace(boosted, ...(boosts.size ? ["Boosted now: ", ...[...boosts.values()].map((b) => `${b.title} (${b.boost}× rewards)`).join(", ")] : []));
    replace(
      list,
      ...(page.items.length
        ? page.items.map((s) =>
            h(
              "li",
              { class: "song" },
              h("div", {}, h("strong", {}, s.title), " ", boostBadge(boosts.get(s.id)), h("span", { class: "muted" }, ` ${s.artist_name} · ${s.genre || "—"} · ${fmtSeconds(s.duration_ms)}`)),
              h("span", { class: "price" }, `$${trimMoney(s.stream_price)} / listen`),
              h("button", { type: "button", onclick: (ev: Event) => void busy(ev.currentTarget as HTMLButtonElement, () => player.play(s)), "aria-label": `Play ${s.title}` }, "Play"),
            ),
          )
        : [h("li", { class: "muted" }, "No songs match.")]),
    );
  };
  const form = h(
    "form",
    { role: "search", class: "row", onsubmit: (ev: Event) => (ev.preventDefault(), void busy(submitter(ev), search)) },
    field("Search the catalog", q),
    h("button", { type: "submit" }, "Search"),
  );
  await search();
  return h("section", { class: "card" }, h("h1", {}, "Catalog"), form, boosted, list, player.panel);
}

/** The player: one listen session per play, a real <audio> element on the session's signed link. */
const player = (() => {
  const audio = h("audio", { controls: true, preload: "auto", "data-testid": "audio" });
  const title = h("h2", { id: "player-title" }, "Nothing playing");
  const status = h("p", { class: "status", "data-testid": "listen-status", "aria-live": "polite" }, "Pick a song to start a listen session.");
  const progress = h("progress", { max: 1, value: 0, "aria-label": "Progress towards a qualified listen" });
  const finish = h("button", { type: "button", disabled: true }, "Finish listen");
  const panel = h("section", { class: "player card", "aria-labelledby": "player-title" }, title, audio, progress, status, finish);
  let session: Session | null = null;
  let maxPosition = 0;
  let beat: number | undefined;
  let completing = false;

  const describe = (s: Session): string => {
    if (s.status === "active") {
      const left = Math.max(0, s.qualifies_after_seconds - Math.floor(maxPosition));
      return s.preview_only
        ? "Preview only: your USD balance does not cover the price. Top up to pay the artist."
        : left > 0
          ? `Listening… qualifies after ${left} more s. Price held: $${trimMoney(s.price)}.`
          : "Past the qualifying point: finish (or let the song end) to pay the artist.";
    }
    if (s.status === "rejected") return `Not paid: ${s.reasons.join(", ")}.`;
    const pay = s.payment ? (s.payment.status === "paid" ? `Paid $${trimMoney(s.payment.price)} (artist $${trimMoney(s.payment.artist)}).` : "Qualified: settling the payment…") : "Qualified.";
    const rw = s.reward ? (s.reward.status === "pending" ? " Reward pending…" : ` Reward: ${trimMoney(s.reward.amount)} VIBE (${s.reward.status}).`) : "";
    return `Qualified listen. ${pay}${rw}`;
  };
  const show = () => {
    if (!session) return;
    status.textContent = describe(session);
    status.dataset.state = session.status + (session.payment?.status === "paid" ? "-paid" : "") + (session.reward && session.reward.status !== "pending" ? "-rewarded" : "");
    progress.max = Math.max(1, session.qualifies_after_seconds);
    progress.value = Math.min(progress.max, maxPosition);
  };
  const refreshSession = async () => {
    if (!session || session.status === "active") return;
    session = await request<Session>(`/listen-sessions/${session.id}`);
    show();
  };
  const complete = async () => {
    if (!session || session.status !== "active" || completing) return;
    completing = true;
    window.clearInterval(beat);
    try {
      session = await request<Session>(`/listen-sessions/${session.id}/complete`, { body: { listened_seconds: Math.floor(maxPosition) } });
      finish.disabled = true;
      show();
    } finally {
      completing = false;
    }
  };
  audio.addEventListener("timeupdate", () => {
    if (!audio.seeking && audio.currentTime > maxPosition && audio.currentTime - maxPosition < 2) maxPosition = audio.currentTime;
    if (session?.status === "active") show();
  });
  audio.addEventListener("ended", () => void busy(null, complete));
  finish.addEventListener("click", () => void busy(finish, complete));
  onLive((ev) => {
    if (ev.type.startsWith("payment.stream_paid") || ev.type.startsWith("listenreward.")) void refreshSession().catch(showError);
  });
  return {
    panel,
    async play(song: Song) {
      await this.stop();
      maxPosition = 0;
      title.textContent = `${song.title} — ${song.artist_name}`;
      status.textContent = "Starting a listen session…";
      session = await request<Session>("/listen-sessions", { body: { song_id: song.id } });
      audio.src = session.stream_url;
      finish.disabled = false;
      show();
      beat = window.setInterval(() => {
        if (session?.status === "active") void request(`/listen-sessions/${session.id}/heartbeat`, { body: { position_seconds: Math.floor(maxPosition) } }).catch(() => undefined);
      }, 10_000);
      await audio.play();
    },
    async stop() {
      window.clearInterval(beat);
      if (!audio.paused) audio.pause();
      if (session?.status === "active") await complete().catch(() => undefined);
    },
  };
})();

// ---------- wallet: balances, ledger, top-ups, wallet links, claims ----------

async function walletView(): Promise<HTMLElement> {
  const balances = h("table", { class: "balances", "data-testid": "balances" });
  const ledgerAsset = h("select", { name: "asset" }, h("option", { value: "USD" }, "USD"), h("option", { value: "VIBE" }, "VIBE"));
  const ledger = h("table", { class: "ledger", "data-testid": "ledger" });
  const rewards = h("div", { "data-testid": "rewards" });
  const loadBalances = async () => {
    const b = await request<Balances>("/payments/balances");
    replace(
      balances,
      h("caption", {}, "Balances"),
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Asset"), h("th", { scope: "col" }, "Available"), h("th", { scope: "col" }, "Held"), h("th", { scope: "col" }, "Earnings"))),
      h("tbody", {}, ...b.balances.map((x) => h("tr", { "data-asset": x.asset }, h("th", { scope: "row" }, x.asset), h("td", { "data-testid": `available-${x.asset}` }, x.available), h("td", {}, x.held), h("td", {}, x.earnings)))),
    );
  };
  const loadLedger = async () => {
    const page = await request<{ items: LedgerLine[] }>(`/payments/ledger?asset=${ledgerAsset.value}&limit=20`);
    replace(
      ledger,
      h("caption", {}, `Ledger history (${ledgerAsset.value})`),
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "When"), h("th", { scope: "col" }, "What"), h("th", { scope: "col" }, "Account"), h("th", { scope: "col" }, "Amount"))),
      h(
        "tbody",
        {},
        ...(page.items.length
          ? page.items.map((l) => h("tr", {}, h("td", {}, new Date(l.created_at).toLocaleString()), h("td", {}, l.reason), h("td", {}, l.account), h("td", { class: l.amount.startsWith("-") ? "neg" : "pos" }, l.amount)))
          : [h("tr", {}, h("td", { colspan: 4, class: "muted" }, "No entries yet."))]),
      ),
    );
  };
  const loadRewards = async () => {
    const r = await request<Rewards>("/listen-rewards?limit=10");
    replace(rewards, h("p", {}, `Claimable: `, h("strong", { "data-testid": "claimable" }, `${r.claimable} VIBE`), ` · earned today ${r.earned_today} of ${r.daily_cap} · claimed ${r.claimed_total} · minimum claim ${r.min_claim}`));
  };
  ledgerAsset.addEventListener("change", () => void busy(null, loadLedger));
  await Promise.all([loadBalances(), loadLedger(), loadRewards()]);
  refreshers.push(() => void Promise.all([loadBalances(), loadLedger(), loadRewards()]).catch(showError));

  // top up by card
  const amount = h("input", { type: "number", name: "amount", min: 1, max: 10000, step: "0.01", value: "10", required: true, inputmode: "decimal" });
  const topupStatus = h("p", { "aria-live": "polite", "data-testid": "topup-status" });
  const topup = h(
    "form",
    {
      "aria-labelledby": "topup-title",
      onsubmit: (ev: Event) => {
        ev.preventDefault();
        void busy(submitter(ev), async () => {
          const t = await request<TopUp>("/payments/top-ups", { body: { amount_cents: Math.round(Number(amount.value) * 100), currency: "usd" }, idempotencyKey: newKey() });
          if (session.cardPayments !== "local") {
            topupStatus.textContent = `Payment ${t.payment_id} is ${t.status}: complete it with Stripe (client secret issued); your balance updates when Stripe confirms.`;
            return;
          }
          topupStatus.textContent = "Confirming the test card…";
          const p = await request<Payment>(`/payments/${t.payment_id}/test-confirm`, { method: "POST" });
          topupStatus.textContent = `Top-up of $${trimMoney(p.amount)} ${p.status}.`;
          await Promise.all([loadBalances(), loadLedger()]);
        });
      },
    },
    h("h2", { id: "topup-title" }, "Top up by card"),
    field("Amount (USD)", amount, session.cardPayments === "local" ? "Local card setup: a test card (stripe-mock) is confirmed for you." : "Charged through Stripe."),
    h("button", { type: "submit" }, "Top up"),
    topupStatus,
  );

  // claim rewards
  const dest = h("select", { name: "destination" }, h("option", { value: "balance" }, "My VIBE balance"), h("option", { value: "ethereum" }, "My Ethereum wallet"), h("option", { value: "solana" }, "My Solana wallet"));
  const claimStatus = h("p", { "aria-live": "polite" });
  const claim = h(
    "form",
    {
      "aria-labelledby": "claim-title",
      onsubmit: (ev: Event) => {
        ev.preventDefault();
        void busy(submitter(ev), async () => {
          const c = await request<{ amount: string; transaction?: { id: string; status: string } }>("/listen-rewards", { body: { destination: dest.value }, idempotencyKey: newKey() });
          claimStatus.textContent = c.transaction ? `Claimed ${c.amount} VIBE: chain transaction ${c.transaction.status} (follow it below).` : `Claimed ${c.amount} VIBE to your balance.`;
          if (c.transaction) void followTransaction(c.transaction.id, claimStatus);
          await Promise.all([loadBalances(), loadRewards(), loadLedger()]);
        });
      },
    },
    h("h2", { id: "claim-title" }, "Listen rewards"),
    rewards,
    field("Claim to", dest),
    h("button", { type: "submit" }, "Claim all"),
    claimStatus,
  );

  return h(
    "div",
    { class: "grid two" },
    h("section", { class: "card" }, h("h1", {}, "Wallet"), balances, field("History of", ledgerAsset), ledger),
    h("div", {}, h("section", { class: "card" }, topup), h("section", { class: "card" }, claim), h("section", { class: "card" }, await walletLinkView())),
  );
}

async function followTransaction(id: string, out: HTMLElement): Promise<void> {
  for (let i = 0; i < 120; i++) {
    const tx = await request<{ status: string; failure_reason?: string }>(`/transactions/${id}`);
    out.textContent = `Chain transaction ${tx.status}${tx.failure_reason ? `: ${tx.failure_reason}` : ""}.`;
    if (tx.status === "confirmed" || tx.status === "failed") return;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

async function walletLinkView(): Promise<HTMLElement> {
  const linked = h("ul", { "aria-label": "Linked wallets" });
  const load = async () => {
    const w = await request<{ items: Wallet[] }>("/users/me/wallets");
    replace(linked, ...(w.items.length ? w.items.map((x) => h("li", {}, `${x.chain}: `, h("code", {}, x.address))) : [h("li", { class: "muted" }, "No wallet linked.")]));
  };
  await load();
  const chain = h("select", { name: "chain" }, h("option", { value: "ethereum" }, "Ethereum"), h("option", { value: "solana" }, "Solana"));
  const address = h("input", { name: "address", required: true, autocomplete: "off", spellcheck: "false" });
  const message = h("textarea", { readonly: true, rows: 6, "aria-label": "Challenge text to sign" });
  const signature = h("textarea", { name: "signature", rows: 2, required: true, spellcheck: "false" });
  const eth = (window as unknown as { ethereum?: { request(a: { method: string; params?: unknown[] }): Promise<unknown> } }).ethereum;
  let challenge: WalletChallenge | null = null;
  const step2 = h("div", { hidden: true }, field("Sign this text with the wallet", message), field("Signature", signature, "hex (Ethereum personal_sign) or base58 (Solana)"));
  const browserSign = eth
    ? h("button", {
        type: "button",
        onclick: (ev: Event) =>
          void busy(ev.currentTarget as HTMLButtonElement, async () => {
            if (!challenge) return;
            const [acct] = (await eth.request({ method: "eth_requestAccounts" })) as string[];
            signature.value = String(await eth.request({ method: "personal_sign", params: [challenge.message, acct] }));
          }),
      }, "Sign with browser wallet")
    : null;
  const submit = h("button", { type: "submit" }, "Get challenge");
  const form = h(
    "form",
    {
      "aria-labelledby": "link-title",
      onsubmit: (ev: Event) => {
        ev.preventDefault();
        void busy(submit, async () => {
          if (!challenge) {
            challenge = await request<WalletChallenge>("/users/me/wallets/challenge", { body: { chain: chain.value, address: address.value.trim() } });
            message.value = challenge.message;
            step2.hidden = false;
            submit.textContent = "Link wallet";
            return;
          }
          await request<Wallet>("/users/me/wallets", { body: { chain: challenge.chain, address: challenge.address, message: challenge.message, signature: signature.value.trim() } });
          notice("Wallet linked.");
          challenge = null;
          step2.hidden = true;
          signature.value = "";
          submit.textContent = "Get challenge";
          await load();
        });
      },
    },
    h("h2", { id: "link-title" }, "Link a wallet"),
    linked,
    field("Chain", chain),
    field("Address", address),
    step2,
    browserSign,
    submit,
  );
  return form;
}

// ---------- artist studio ----------

async function artistView(): Promise<HTMLElement> {
  const songs = h("ul", { class: "songs", "aria-label": "My songs", "data-testid": "my-songs" });
  const earnings = h("table", { "data-testid": "earnings" });
  const mine = new Map<string, Song>();
  let reloadOffers = async () => {};
  let paidListens = -1;
  const loadEarnings = async () => {
    const e = await request<Earnings>("/artists/me/earnings");
    paidListens = e.totals.paid_listens;
    replace(
      earnings,
      h("caption", {}, "Earnings (last 30 days, live)"),
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Song"), h("th", { scope: "col" }, "Paid listens"), h("th", { scope: "col" }, "Gross"), h("th", { scope: "col" }, "Fee"), h("th", { scope: "col" }, "Net"))),
      h(
        "tbody",
        {},
        ...e.songs.map((s) => h("tr", { "data-song": s.song_id }, h("th", { scope: "row" }, s.title), h("td", { "data-testid": "paid-listens" }, s.paid_listens), h("td", {}, s.gross), h("td", {}, s.platform_fee), h("td", { "data-testid": "net" }, s.net))),
        h("tr", { class: "total" }, h("th", { scope: "row" }, "Total"), h("td", { "data-testid": "total-listens" }, e.totals.paid_listens), h("td", {}, e.totals.gross), h("td", {}, e.totals.platform_fee), h("td", { "data-testid": "total-net" }, e.totals.net)),
      ),
    );
  };
  const songRow = (s: Song): HTMLElement => {
    const price = h("input", { type: "text", inputmode: "decimal", value: s.stream_price, size: 9, "aria-label": `Price per listen of ${s.title} (USD)` });
    const prog = h("progress", { max: 1, value: 0, "aria-label": `Upload of ${s.title}`, hidden: true });
    const file = h("input", { type: "file", accept: "audio/*", "aria-label": `Audio file for ${s.title}` });
    const state = h("span", { class: `badge ${s.status}`, "data-testid": "song-status" }, s.published ? "published" : s.status);
    const li = h(
      "li",
      { class: "song", "data-song": s.id },
      h("div", {}, h("strong", {}, s.title), " ", state, s.failure_reason ? h("small", { class: "neg" }, ` ${s.failure_reason}`) : null),
      h("div", { class: "row" }, file, prog),
      h("div", { class: "row" }, price, h("button", { type: "button", onclick: (ev: Event) => void busy(ev.currentTarget as HTMLButtonElement, async () => {
        update(await request<Song>(`/music/songs/${s.id}`, { method: "PATCH", body: { stream_price: price.value.trim() } }));
        notice("Price saved.");
      }) }, "Set price")),
      h("button", { type: "button", disabled: s.status !== "ready" || s.published, onclick: (ev: Event) => void busy(ev.currentTarget as HTMLButtonElement, async () => {
        update(await request<Song>(`/music/songs/${s.id}`, { method: "PATCH", body: { published: true } }));
        await reloadOffers();
      }) }, s.published ? "Published" : "Publish"),
    );
    file.addEventListener("change", () => {
      const f = file.files?.[0];
      if (!f) return;
      prog.hidden = false;
      state.textContent = "uploading";
      void busy(null, async () => {
        update(await upload<Song>(`/music/songs/${s.id}/audio`, f, (x) => (prog.value = x)));
        await waitReady(s.id);
      });
    });
    return li;
  };
  const update = (s: Song) => {
    mine.set(s.id, s);
    const row = songRow(s);
    const old = songs.querySelector(`[data-song="${s.id}"]`);
    if (old) old.replaceWith(row);
    else songs.prepend(row);
  };
  const waitReady = async (id: string) => {
    for (let i = 0; i < 240; i++) {
      const s = await request<Song>(`/music/songs/${id}`);
      update(s);
      if (s.status !== "processing") return;
      await new Promise((r) => setTimeout(r, 500));
    }
  };
  const title = h("input", { name: "title", required: true, maxlength: 200 });
  const genre = h("input", { name: "genre", maxlength: 50 });
  const create = h(
    "form",
    {
      "aria-labelledby": "new-song",
      class: "row",
      onsubmit: (ev: Event) => {
        ev.preventDefault();
        void busy(submitter(ev), async () => {
          update(await request<Song>("/music/songs", { body: { title: title.value, genre: genre.value } }));
          title.value = "";
        });
      },
    },
    field("Title", title),
    field("Genre", genre),
    h("button", { type: "submit" }, "Create song"),
  );
  await loadEarnings();
  refreshers.push(() => void loadEarnings().catch(showError));
  // offering shares of a published song (re-read when a song is published here)
  const offers = h("section", { class: "card" }, await offeringSection(await myPublishedSongs()));
  reloadOffers = async () => replace(offers, await offeringSection(await myPublishedSongs()));
  // payment.stream_paid reaches the artist as the listen-reward context records the paid listen:
  // re-read the earnings until they include it (bounded)
  const off = onLive((ev) => {
    if (!songs.isConnected) return off();
    if (!ev.type.startsWith("payment.stream_paid")) return;
    const before = paidListens;
    void (async () => {
      for (let i = 0; i < 20 && paidListens <= before; i++) {
        await new Promise((r) => setTimeout(r, 250));
        await loadEarnings();
      }
    })().catch(showError);
  });
  return h(
    "div",
    { class: "grid two" },
    h("section", { class: "card" }, h("h1", {}, "Artist studio"), h("h2", { id: "new-song" }, "New song"), create, songs),
    h("div", {}, h("section", { class: "card" }, h("h2", {}, "Earnings"), earnings), offers),
  );
}

// ---------- start ----------

onLive(() => refreshers.forEach((fn) => fn()));
onAuthChange(() => void loadMe().then(render));
window.addEventListener("hashchange", () => void render());
void (async () => {
  try {
    const health = (await (await fetch("/health")).json()) as { components?: Record<string, string> };
    session.cardPayments = health.components?.card_payments ?? "unknown";
  } catch {
    session.cardPayments = "unknown";
  }
  await loadMe();
  await render();
})();
