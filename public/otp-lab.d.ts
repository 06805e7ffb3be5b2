// OTP Lab's in-page API: `window.otpLab`, present once the Lab is interactive.
//
// Every call takes one plain JSON object and resolves to plain JSON; a mistake (an unknown
// argument, a wrong type, a process that is not there) rejects with an `Error` whose
// message names the call and the argument, e.g.
//   otpLab.kill: argument "pid" is missing
// The code behind the calls is fetched with the first call, so each call returns a Promise.
// Actions run as console lines: the Lab's console shows them, and the share link replays them.
// Calls that read or act on a process or a supervisor take a `sandbox` id as well, to
// address a headless sandbox made with `createSandbox` instead of the page's experiment.
//
// An embedded Lab (`#embed.…`) answers the same calls through postMessage:
//   iframe.contentWindow.postMessage({ otpLab: { id: 1, call: "kill", args: { pid: "demo/counter_1" } } }, "*")
// and replies to the sender's origin with `{ otpLab: { id: 1, result } }` or
// `{ otpLab: { id: 1, error: "otpLab.kill: …" } }`. `{ call: "on", args: { kind } }` makes it
// post `{ otpLab: { event } }` for each event of that kind; `{ call: "off", args: { kind } }`
// stops them. Check `event.origin` of the replies to accept only the Lab you embedded.

export {};

/** A process: a pid like "<0.84.0>", a registered name, or a path like "demo/counter_1". */
export type ProcessRef = string;
/** A supervisor by path ("demo", "root/api_sup") or pid. */
export type SupervisorRef = string;
/** An Erlang or Elixir term as text, e.g. "{print, hi}" or "{:print, \"hi\"}". */
export type TermText = string;
/** Any JSON value: a term as JSON (atoms and strings as strings, tuples and lists as arrays). */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every call may also name a sandbox. */
export interface Target {
  sandbox?: number;
}

export interface Status {
  at_us: number;
  head_us: number;
  live: boolean;
  playing: boolean;
  speed: number | 'max';
  source: string;
  seed: number;
  events: number;
}

export interface ProcessInfo {
  pid: string;
  path: string | null;
  registered_name: string | null;
  behaviour: string;
  status: string;
  message_queue_len: number;
  links: string[];
  monitors: string[];
  monitored_by: string[];
  trap_exit: boolean;
  reductions: number;
}

export interface MessageRecord {
  id: number;
  time: string;
  sent: boolean;
  other: string;
  kind: string;
  term: string;
}

export interface ProcessDetails extends ProcessInfo {
  state: string;
  mailbox: string[];
  skipped: number;
  recent: MessageRecord[];
}

export interface SupervisorInfo {
  path: string;
  pid: string | null;
  status: string;
  strategy: string;
  restarted: number;
  child_restarts: number;
  intensity: { used: number; intensity: number; period: number; paused: boolean };
  children: string[];
}

export interface ChildInfo {
  id: string;
  path: string;
  pid: string | null;
  type: 'worker' | 'supervisor';
  status: string;
  restarts: number;
}

export interface RestartRecord {
  t_us: number;
  child: string;
  reason: string;
  cause: string;
  old_pid: string;
  new_pid: string | null;
  restart_in_window: number;
  intensity: number;
}

export interface SupervisorAnalytics {
  path: string;
  restarts: number;
  restart_history: RestartRecord[];
  failures: number;
  failure_rate_per_s: number;
  intensity_budget: number;
  intensity: number;
  period_s: number;
  incarnations: number;
  alive: boolean;
  [more: string]: Json;
}

export interface Graph {
  at_us: number;
  nodes: { key: string; pid: string | null; role: string; status: string; trap_exit: boolean; message_queue_len: number }[];
  edges: { from: string; to: string; kind: 'link' | 'monitor' | 'parent' }[];
  /** What was left out of a very large graph. */
  omitted: Json;
}

export interface Health {
  overall_status: 'healthy' | 'warning' | 'critical';
  process_count: number;
  restart_rate: number;
  message_queue_lengths: { average: number; long_queues: number; max: number };
  reasons: string[];
  [more: string]: Json;
}

export interface MetricSummary {
  metric: string;
  time_range: string;
  count: number;
  sum: number;
  /** null when the range holds no sample */
  min: number | null;
  max: number | null;
  mean: number | null;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  rate: number;
}

export interface ExportFile {
  file_name: string;
  mime: string;
  text: string;
}

/** An event passed to `on(kind, handler)`. */
export interface LabEvent {
  kind: EventKind;
  at_us: number;
  [more: string]: Json;
}

export type EventKind = 'restart' | 'pattern' | 'anomaly' | 'alert' | 'message';
export type Strategy = 'one_for_one' | 'one_for_all' | 'rest_for_one' | 'simple_one_for_one';
export type ExportFormat = 'json' | 'prometheus' | 'csv' | 'statsd' | 'history';

export interface OtpLab {
  /** The names of every call. */
  readonly calls: string[];

  // reads
  status(args?: Target): Promise<Status>;
  processes(args?: Target & { filter?: string; status?: string; behaviour?: string; offset?: number; limit?: number }): Promise<{ at_us: number; total: number; offset: number; processes: ProcessInfo[] }>;
  process(args: Target & { pid: ProcessRef }): Promise<ProcessDetails>;
  state(args: Target & { pid: ProcessRef }): Promise<{ pid: string; state: string }>;
  messages(args: Target & { pid: ProcessRef }): Promise<{ pid: string; message_queue_len: number; mailbox: string[]; recent: MessageRecord[] }>;
  supervisors(args?: Target): Promise<{ at_us: number; supervisors: SupervisorInfo[] }>;
  supervisor(args: Target & { name: SupervisorRef }): Promise<SupervisorInfo>;
  children(args: Target & { name: SupervisorRef }): Promise<ChildInfo[]>;
  analytics(args: Target & { name: SupervisorRef; window_ms?: number }): Promise<SupervisorAnalytics>;
  graph(args?: Target): Promise<Graph>;
  health(args?: Target): Promise<Health>;
  anomalies(args?: Target): Promise<Json[]>;
  patterns(args?: Target): Promise<Json[]>;
  metrics(args: Target & { metric: string; range?: string }): Promise<MetricSummary>;
  export(args: Target & { format: ExportFormat; window_ms?: number }): Promise<ExportFile>;

  // tracing: traced processes' messages come as "message" events
  trace(args: { pid: ProcessRef; on?: boolean }): Promise<{ pid: string; traced: boolean }>;

  // messages and signals (the answer is the console's, as JSON)
  send(args: Target & { pid: ProcessRef; message: TermText }): Promise<Json>;
  cast(args: Target & { pid: ProcessRef; message: TermText }): Promise<Json>;
  call(args: Target & { pid: ProcessRef; message: TermText }): Promise<Json>;
  kill(args: Target & { pid: ProcessRef }): Promise<Json>;
  exit(args: Target & { pid: ProcessRef; reason?: TermText }): Promise<Json>;
  crash(args: Target & { pid: ProcessRef; reason?: TermText }): Promise<Json>;

  // the child API and the supervisor's settings
  startChild(args: Target & { supervisor: SupervisorRef; id?: string; behaviour?: 'counter' | 'printer' | 'worker'; restart?: 'permanent' | 'transient' | 'temporary'; args?: TermText }): Promise<Json>;
  terminateChild(args: Target & { supervisor: SupervisorRef; child: string }): Promise<Json>;
  restartChild(args: Target & { supervisor: SupervisorRef; child: string }): Promise<Json>;
  deleteChild(args: Target & { supervisor: SupervisorRef; child: string }): Promise<Json>;
  pause(args: Target & { supervisor: SupervisorRef }): Promise<Json>;
  resume(args: Target & { supervisor: SupervisorRef }): Promise<Json>;
  changeStrategy(args: Target & { supervisor: SupervisorRef; strategy: Strategy }): Promise<Json>;
  changeIntensity(args: Target & { supervisor: SupervisorRef; intensity?: number; period?: number }): Promise<Json>;
  /** Replaces the fault script (the scenario format's "faults") and starts again from 0. */
  faults(args: Target & { script: Json[] }): Promise<Status>;
  /** One console line, Elixir or Erlang. */
  console(args: Target & { line: string }): Promise<{ output: string }>;

  // virtual time
  run(args: Target & { ms: number }): Promise<Status>;
  seek(args: Target & { at_ms: number }): Promise<Status>;
  live(args?: Target): Promise<Status>;
  play(args: Target & { playing?: boolean; speed?: number }): Promise<Status>;

  // sandboxes: headless labs of their own
  createSandbox(args?: { preset?: string; seed?: number }): Promise<{ id: number }>;
  sandboxes(): Promise<(Status & { id: number })[]>;
  restartSandbox(args: { id: number }): Promise<{ id: number }>;
  destroySandbox(args: { id: number }): Promise<'ok'>;

  /** Calls `handler` with each event of `kind` from now on; returns the unsubscribe function. */
  on(kind: EventKind, handler: (event: LabEvent) => void): () => void;
  /** The share link of the current experiment. */
  link(): Promise<string>;
}

declare global {
  interface Window {
    otpLab: OtpLab;
  }
}
