// Drives VibeStream's /rest/ with the npm `subsonic-api` client, as a stock player would:
// token and apiKey authentication with an app password, browse, search, a playlist, a star,
// a stream with seeking (ranges through the client's own fetch, and ffprobe on the stream URL
// the client built), then a scrobble. It prints one JSON line per step to stdout; after
// streaming it waits for a line on stdin (the Go test moves the listen clock) before
// scrobbling. Env: BASE_URL, USERNAME, APP_PASSWORD, SONG_ID, FFPROBE (optional),
// SUBSONIC_API_MODULE (optional: where the module lives when not in node_modules).
import { spawnSync } from "node:child_process";
import { createInterface } from "node:readline";

const { SubsonicAPI } = process.env.SUBSONIC_API_MODULE
  ? await import(process.env.SUBSONIC_API_MODULE)
  : await import("subsonic-api");

const env = (k) => {
  const v = process.env[k];
  if (!v) throw new Error(`${k} is required`);
  return v;
};
const base = env("BASE_URL");
const username = env("USERNAME");
const secret = env("APP_PASSWORD");
const songId = env("SONG_ID");
const say = (step, data = {}) => console.log(JSON.stringify({ step, ...data }));
const check = (ok, msg) => {
  if (!ok) throw new Error(msg);
};

// The client's requests go through this fetch: it records the URLs the client builds and
// lets the test add a Range header (a player seeking).
let lastURL = "";
let range = "";
let lastHeaders = null;
const recordingFetch = async (url, init = {}) => {
  lastURL = String(url);
  const headers = new Headers(init.headers || {});
  if (range) headers.set("Range", range);
  const res = await fetch(url, { ...init, headers });
  lastHeaders = res.headers;
  return res;
};

const token = new SubsonicAPI({ url: base, auth: { username, password: secret }, fetch: recordingFetch });
const byKey = new SubsonicAPI({ url: base, auth: { apiKey: secret } });
const posting = new SubsonicAPI({ url: base, auth: { username, password: secret }, post: true });

for (const [name, api] of [["token", token], ["apiKey", byKey], ["post", posting]]) {
  const r = await api.ping();
  check(r.status === "ok" && r.openSubsonic === true && r.type === "vibestream", `${name} ping: ${JSON.stringify(r)}`);
  check(lastURL === "" || name !== "token" || /[?&]t=[0-9a-f]{32}/.test(lastURL), `token auth in the URL: ${lastURL}`);
}
say("auth");
const bad = await new SubsonicAPI({ url: base, auth: { username, password: "not-the-app-password" } }).ping();
check(bad.status === "failed" && bad.error.code === 40, `a wrong password is error 40: ${JSON.stringify(bad)}`);
say("wrong password refused", { code: bad.error.code });

const ext = await token.getOpenSubsonicExtensions();
check(ext.openSubsonicExtensions.some((e) => e.name === "apiKeyAuthentication"), "apiKey extension listed");

const { artists } = await token.getArtists();
const artist = artists.index.flatMap((i) => i.artist)[0];
check(artist && artist.albumCount >= 1, `an artist: ${JSON.stringify(artists)}`);
const { artist: full } = await byKey.getArtist({ id: artist.id });
const { album } = await token.getAlbum({ id: full.album.find((a) => a.songCount >= 1).id });
check(album.song.length >= 1, "album songs");
const { song } = await token.getSong({ id: songId });
check(song.id === songId && song.duration === 40, `getSong: ${JSON.stringify(song)}`);
const { searchResult3 } = await byKey.search3({ query: song.title.split(" ")[0] });
check(searchResult3.song.some((s) => s.id === songId), "search3 finds the song");
const { albumList2 } = await token.getAlbumList2({ type: "newest", size: 10 });
check(albumList2.album.length >= 1, "getAlbumList2");
say("browse", { artist: artist.name, album: album.name, song: song.title });

const created = await posting.createPlaylist({ name: "From the npm client", songId: [songId] });
check(created.playlist && created.playlist.songCount === 1, `createPlaylist: ${JSON.stringify(created)}`);
const { playlist } = await token.getPlaylist({ id: created.playlist.id });
check(playlist.entry[0].id === songId, "getPlaylist");
await token.star({ id: songId });
const { starred2 } = await byKey.getStarred2();
check(starred2.song.some((s) => s.id === songId), "starred");
say("library", { playlist: playlist.id });

// Stream: the start, a seek into the middle, the rest.
range = "bytes=0-65535";
let res = await token.stream({ id: songId });
check(res.status === 206, `stream: HTTP ${res.status}`);
const session = lastHeaders.get("x-listen-session");
const total = Number(res.headers.get("content-range").split("/")[1]);
let got = (await res.arrayBuffer()).byteLength;
const streamURL = lastURL;
range = `bytes=${Math.floor(total / 2)}-`;
res = await token.stream({ id: songId });
check(res.status === 206 && lastHeaders.get("x-listen-session") === session, "a seek continues the session");
await res.arrayBuffer();
range = `bytes=65536-${total - 1}`;
res = await token.stream({ id: songId });
got += (await res.arrayBuffer()).byteLength;
range = "";
check(got === total, `every byte: ${got} of ${total}`);
let probed = null;
if (process.env.FFPROBE) {
  // a player handed the URL the client built (ffmpeg seeks with its own ranges)
  const p = spawnSync(process.env.FFPROBE, ["-v", "error", "-show_entries", "format=duration:stream=codec_name", "-of", "json", streamURL], {
    encoding: "utf8",
  });
  check(p.status === 0, `ffprobe: ${p.stderr}`);
  probed = JSON.parse(p.stdout);
  check(Math.round(Number(probed.format.duration)) === 40 && probed.streams[0].codec_name === "mp3", `ffprobe: ${p.stdout}`);
}
say("streamed", { session, total, probed: probed ? probed.format.duration : null });

// Wait for the test to let the listening time pass, then scrobble as players do at the end.
const rl = createInterface({ input: process.stdin });
await new Promise((resolve) => rl.once("line", resolve));
rl.close();
const now = await token.scrobble({ id: songId, submission: false });
check(now.status === "ok", "now playing");
const sc = await token.scrobble({ id: songId, submission: true, time: Date.now() });
check(sc.status === "ok", `scrobble: ${JSON.stringify(sc)}`);
say("scrobbled", { session });
