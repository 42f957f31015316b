// The live feed: the caller's events over the WebSocket (/api/v1/ws), reconnecting with
// ?since=<last event id> so nothing committed while disconnected is missed.
import { accessToken } from "./api";

export interface LiveEvent {
  id: string;
  type: string;
  occurred_at: string;
  payload: unknown;
}

type Handler = (ev: LiveEvent) => void;

const handlers = new Set<Handler>();
let socket: WebSocket | null = null;
let lastID: string | null = null;
let retry = 0;
let timer: number | undefined;
let wanted = false;
let state: "offline" | "connecting" | "live" = "offline";
const stateListeners = new Set<(s: typeof state) => void>();

export function onLive(fn: Handler): () => void {
  handlers.add(fn);
  return () => handlers.delete(fn);
}

export function onLiveState(fn: (s: typeof state) => void): void {
  stateListeners.add(fn);
  fn(state);
}

function setState(s: typeof state): void {
  state = s;
  stateListeners.forEach((fn) => fn(s));
}

export function connectLive(): void {
  wanted = true;
  open();
}

export function disconnectLive(): void {
  wanted = false;
  lastID = null;
  window.clearTimeout(timer);
  socket?.close(1000, "logout");
  socket = null;
  setState("offline");
}

function open(): void {
  const token = accessToken();
  if (!wanted || !token || socket) return;
  const url = new URL("/api/v1/ws", location.href);
  url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
  url.searchParams.set("access_token", token);
  if (lastID) url.searchParams.set("since", lastID);
  setState("connecting");
  const ws = new WebSocket(url);
  socket = ws;
  ws.onopen = () => {
    retry = 0;
    setState("live");
  };
  ws.onmessage = (msg) => {
    const ev = JSON.parse(String(msg.data)) as LiveEvent;
    lastID = ev.id;
    handlers.forEach((fn) => fn(ev));
  };
  ws.onclose = () => {
    if (socket === ws) socket = null;
    if (!wanted) return;
    setState("connecting");
    retry = Math.min(retry + 1, 6);
    timer = window.setTimeout(open, 250 * 2 ** retry);
  };
}
