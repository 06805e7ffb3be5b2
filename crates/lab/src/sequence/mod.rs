//! The sequence chart: the run's messages and exit signals as a chart with one lane per
//! process (kept across restarts: a lane is a tree path, or a pid for a process without
//! one), one row per message in the order they were sent, and an arrow from the send to
//! the instant the receiver handled it — sloped when other messages were sent while it
//! waited in the mailbox. Built from the [`History`] for a window of rows, so a run with
//! 100,000 messages draws only what is on screen.
//!
//! Lanes can be picked (only messages to or from them) or hidden; a hidden lane keeps the
//! causality that passed through it: a message its process sent while handling one from a
//! shown lane is drawn from that lane, "via" the hidden one. Repeated exchanges (the same
//! message, or a call and its reply, again and again between the same lanes) fold into
//! one row marked ×N. Rendering is in [`svg`] and [`mermaid`].

pub mod detail;
pub mod mermaid;
pub mod svg;

use crate::history::{At, Fate, History, Kind, Message};
use otp_lab_sim::pid::Pid;
use otp_lab_sim::term::Term;
use rustc_hash::FxHashMap as HashMap;
use std::collections::VecDeque;
use std::rc::Rc;

/// Rows a window shows at most.
pub const MAX_WINDOW_ROWS: usize = 400;

/// Rows above the window searched for messages still waiting when it starts.
const LOOK_BACK_ROWS: usize = 300;

/// Hidden lanes a causal chain may pass through.
const VIA_DEPTH: usize = 4;

/// What the learner asks of the chart.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Query {
    /// Lanes picked (keys): only messages to or from them. Empty: every lane.
    pub picked: Vec<String>,
    /// Lanes hidden (keys).
    pub hidden: Vec<String>,
    /// Fold repeated exchanges.
    pub fold: bool,
    /// The window's first row; `None` follows the cursor (the window ends there).
    pub first_row: Option<usize>,
    /// Rows in the window (at most [`MAX_WINDOW_ROWS`]).
    pub rows: usize,
    /// The cursor: the event-log line index of the instant on screen (None: no cursor).
    pub cursor_line: Option<usize>,
}

/// One lane.
#[derive(Clone, Debug, PartialEq)]
pub struct Lane {
    /// A tree path, or the pid for a process without one.
    pub key: String,
    /// The supervisor path it sits under (empty for the top).
    pub group: String,
    /// Its pids in the window, oldest first (a restart adds one).
    pub pids: Vec<Pid>,
}

impl Lane {
    /// Its pids as a lane's head shows them: `<0.3.0>`, or `<0.3.0> → <0.9.0>` after
    /// restarts (empty when none is in the window).
    pub fn pids_text(&self) -> String {
        match self.pids.as_slice() {
            [] => String::new(),
            [p] => p.to_string(),
            [first, .., last] => format!("{first} → {last}"),
        }
    }
}

/// Whether a lane key is a tree path (a click opens the inspector on it), not a pid.
pub fn is_tree_path(key: &str) -> bool {
    !key.starts_with('<')
}

impl Chart {
    /// The runs of lanes under one supervisor, in order: (its path, the lanes' range);
    /// the path is empty for lanes at the top.
    pub fn groups(&self) -> impl Iterator<Item = (&str, std::ops::Range<usize>)> {
        let mut i = 0;
        std::iter::from_fn(move || {
            let g = &self.lanes.get(i)?.group;
            let j = i + self.lanes[i..].iter().take_while(|l| l.group == *g).count();
            let run = (g.as_str(), i..j);
            i = j;
            Some(run)
        })
    }
}

/// What an arrow carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArrowKind {
    Msg(Kind),
    /// Causality through hidden lanes (the message the last hidden process sent).
    Via(Kind),
}

/// One arrow (or a folded run of them).
#[derive(Clone, Debug, PartialEq)]
pub struct Arrow {
    /// The message's id (a via arrow: the id of the message it ends with).
    pub id: u64,
    pub kind: ArrowKind,
    pub from: usize,
    pub to: usize,
    /// Rows (fractional) of the send and of the handling.
    pub y0: f32,
    pub y1: f32,
    pub fate: Fate,
    /// Short label (the message, or the exit reason).
    pub label: String,
    /// Folded: how many times the exchange repeated.
    pub count: u32,
    /// A call's reply or a reply's call.
    pub pair: Option<u64>,
    /// The hidden lanes a via arrow passed through.
    pub via: Vec<String>,
}

/// A spawn or exit on a lane.
#[derive(Clone, Debug, PartialEq)]
pub struct Mark {
    pub lane: usize,
    pub y: f32,
    pub pid: Pid,
    /// `None`: spawned; `Some(reason)`: exited.
    pub exit: Option<String>,
}

/// A window of the chart.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Chart {
    pub lanes: Vec<Lane>,
    pub arrows: Vec<Arrow>,
    pub marks: Vec<Mark>,
    /// Rows in the whole chart (after picking, hiding and folding).
    pub total_rows: usize,
    /// The window's first row.
    pub first_row: usize,
    /// Virtual time (µs) of each row in the window.
    pub row_times: Vec<u64>,
    /// The cursor's row (fractional), if the window shows it.
    pub cursor: Option<f32>,
}

/// One row: a message, or a unit of two (a call and its reply, a message and its
/// answer), folded `count` times.
#[derive(Clone, Copy, Debug)]
struct Row {
    ids: [u64; 2],
    /// 1 or 2 messages (`ids[1]` unused with 1).
    n: u8,
    count: u32,
    line: usize,
    t_us: u64,
    /// A via arrow: the message it started with (on a shown lane).
    origin: Option<u64>,
}

/// How a process shows: its lane key, whether that lane is shown, and (for a hidden
/// lane's process) the messages it took, by (take line, id): the causes of what it sent.
struct Seen {
    key: Rc<str>,
    hidden: bool,
    picked: bool,
    takes: Vec<(usize, u64)>,
}

/// The chart's rows for one setting, kept between calls and extended with the messages
/// sent since: the history only grows at its end and forgets its oldest, so a frame costs
/// the new messages, not the whole run. Reset when the setting changes, and when it has
/// met too many processes (an endless run stays bounded).
#[derive(Default)]
pub struct Cache {
    key: Option<(Vec<String>, Vec<String>, bool)>,
    index: HashMap<Pid, u32>,
    list: Vec<Seen>,
    rows: VecDeque<Row>,
    /// The newest message scanned.
    last: u64,
    /// Messages to hidden lanes not taken yet: (receiver's index, id).
    pending: Vec<(u32, u64)>,
}

/// Processes a cache remembers before it starts again.
const PROCS_KEPT: usize = 50_000;

/// The processes the chart has met, and how each shows.
struct Procs<'a> {
    index: &'a mut HashMap<Pid, u32>,
    list: &'a mut Vec<Seen>,
    paths: &'a HashMap<Pid, Rc<str>>,
    q: &'a Query,
}

impl Procs<'_> {
    /// The index of `pid`'s record (met once, remembered).
    fn at(&mut self, pid: Pid) -> usize {
        let n = self.list.len() as u32;
        let i = *self.index.entry(pid).or_insert(n) as usize;
        if i == self.list.len() {
            let key: Rc<str> = match self.paths.get(&pid) {
                Some(p) => p.clone(),
                None => Rc::from(pid.to_string()),
            };
            let q = self.q;
            self.list.push(Seen {
                hidden: q.hidden.iter().any(|h| **h == *key),
                picked: q.picked.is_empty() || q.picked.iter().any(|h| **h == *key),
                key,
                takes: Vec::new(),
            });
        }
        i
    }

    /// How `pid` shows.
    fn see(&mut self, pid: Pid) -> &mut Seen {
        let i = self.at(pid);
        &mut self.list[i]
    }

    fn key(&mut self, pid: Pid) -> Rc<str> {
        self.see(pid).key.clone()
    }

    fn hidden(&mut self, pid: Pid) -> bool {
        self.see(pid).hidden
    }
}

/// Builds the chart's window. `paths` names the pids that have a tree path.
pub fn chart(
    history: &History,
    paths: &HashMap<Pid, Rc<str>>,
    q: &Query,
    cache: &mut Cache,
) -> Chart {
    let key = (q.picked.clone(), q.hidden.clone(), q.fold);
    if cache.key.as_ref() != Some(&key) || cache.list.len() > PROCS_KEPT {
        *cache = Cache {
            key: Some(key),
            ..Cache::default()
        };
    }
    let Cache {
        index,
        list,
        rows,
        last,
        pending,
        ..
    } = cache;
    let mut procs = Procs {
        index,
        list,
        paths,
        q,
    };
    extend_rows(history, &mut procs, rows, (last, pending), q.fold);
    let rows = &*rows;
    let total = rows.len();
    let want = q.rows.clamp(1, MAX_WINDOW_ROWS);
    let cursor_row = q.cursor_line.map(|l| rows.partition_point(|r| r.line < l));
    let first = match q.first_row {
        Some(f) => f.min(total.saturating_sub(1)),
        None => cursor_row.unwrap_or(total).saturating_sub(want),
    };
    let end = (first + want).min(total);
    let y_of = |line: usize| -> f32 {
        let k = rows.partition_point(|r| r.line <= line);
        if k == 0 {
            -0.5
        } else if rows[k - 1].line == line {
            (k - 1) as f32
        } else {
            (k - 1) as f32 + 0.5
        }
    };
    let mut lanes: Vec<(Rc<str>, Vec<Pid>)> = Vec::new();
    let mut lane_of = |key: &Rc<str>, pid: Option<Pid>| -> usize {
        let i = match lanes.iter().position(|(k, _)| k == key) {
            Some(i) => i,
            None => {
                lanes.push((key.clone(), Vec::new()));
                lanes.len() - 1
            }
        };
        if let Some(pid) = pid {
            if !lanes[i].1.contains(&pid) {
                lanes[i].1.push(pid);
            }
        }
        i
    };
    for key in &q.picked {
        if !q.hidden.contains(key) && !q.picked.is_empty() && q.picked.len() <= 64 {
            lane_of(&Rc::from(key.as_str()), None);
        }
    }
    // rows above the window whose messages were still waiting when it starts
    let top_line = rows.get(first).map_or(usize::MAX, |r| r.line);
    let back = first.saturating_sub(LOOK_BACK_ROWS);
    let mut arrows = Vec::new();
    for (i, row) in rows
        .range(back..end)
        .enumerate()
        .map(|(k, r)| (k + back, r))
    {
        for (j, id) in row.ids.iter().take(row.n as usize).enumerate() {
            let Some(m) = history.get(*id) else { continue };
            let handled = handled_at(m);
            if i < first && handled.is_none_or(|h| h.line < top_line) {
                continue;
            }
            let origin = row.origin.and_then(|o| history.get(o));
            let start = origin.unwrap_or(m);
            let y0 = if origin.is_some() {
                y_of(start.sent.line)
            } else {
                i as f32 + j as f32 * 0.5
            };
            let y1 = match handled {
                Some(h) if y_of(h.line) <= i as f32 + 0.5 && j == 0 => y0,
                Some(h) => y_of(h.line).max(y0),
                // still on its way, or waiting: to the window's end
                None => (end as f32 - 0.5).max(y0),
            };
            let from = lane_of(&procs.key(start.from), Some(start.from));
            let to = lane_of(&procs.key(m.to), Some(m.to));
            let via = origin
                .map(|_| via_keys(history, &mut procs, m))
                .unwrap_or_default();
            arrows.push(Arrow {
                id: m.id,
                kind: if origin.is_some() {
                    ArrowKind::Via(m.kind)
                } else {
                    ArrowKind::Msg(m.kind)
                },
                from,
                to,
                y0,
                y1,
                fate: m.fate,
                label: label(m),
                count: row.count,
                pair: m.pair,
                via,
            });
        }
    }
    // spawns and exits on the lanes shown, within the window
    let (lo, hi) = (
        rows.get(first).map_or(0, |r| r.line),
        rows.get(end).map_or(usize::MAX, |r| r.line),
    );
    let mut marks = Vec::new();
    let mut changed: Vec<Pid> = history.changed(lo..hi).collect();
    otp_lab_sim::sort::sort(&mut changed);
    changed.dedup();
    for life in changed.into_iter().filter_map(|p| history.life(p)) {
        // a lane is a path, or a pid met in a message
        let key = match paths.get(&life.pid) {
            Some(p) => p.clone(),
            None if procs.index.contains_key(&life.pid) => procs.key(life.pid),
            None => continue,
        };
        let Some(lane) = lanes.iter().position(|(k, _)| *k == key) else {
            continue;
        };
        if let Some(b) = life.born.filter(|b| (lo..hi).contains(&b.line)) {
            marks.push(Mark {
                lane,
                y: y_of(b.line),
                pid: life.pid,
                exit: None,
            });
            if !lanes[lane].1.contains(&life.pid) {
                lanes[lane].1.push(life.pid);
            }
        }
        if let Some((d, reason)) = life.died.filter(|(d, _)| (lo..hi).contains(&d.line)) {
            marks.push(Mark {
                lane,
                y: y_of(d.line),
                pid: life.pid,
                exit: Some(reason.to_text()),
            });
        }
    }
    // lanes in tree order: grouped under their supervisor; pids without a path first
    let mut order: Vec<usize> = (0..lanes.len()).collect();
    otp_lab_sim::sort::sort_by(&mut order, |a, b| {
        lane_order(&lanes[*a].0) < lane_order(&lanes[*b].0)
    });
    otp_lab_sim::sort::sort_by(&mut marks, |a, b| (a.y, a.pid) < (b.y, b.pid));
    let mut new_index = vec![0; lanes.len()];
    for (n, old) in order.iter().enumerate() {
        new_index[*old] = n;
    }
    for a in &mut arrows {
        a.from = new_index[a.from];
        a.to = new_index[a.to];
    }
    for m in &mut marks {
        m.lane = new_index[m.lane];
    }
    let lanes = order
        .into_iter()
        .map(|i| {
            let (key, mut pids) = lanes[i].clone();
            otp_lab_sim::sort::sort_by(&mut pids, |a, b| a < b);
            Lane {
                group: match key.rfind('/') {
                    Some(k) if is_tree_path(&key) => key[..k].to_string(),
                    _ => String::new(),
                },
                key: key.to_string(),
                pids,
            }
        })
        .collect();
    Chart {
        lanes,
        arrows,
        marks,
        total_rows: total,
        first_row: first,
        row_times: rows.range(first.min(total)..end).map(|r| r.t_us).collect(),
        // between the last row before the cursor and the first after it
        cursor: q
            .cursor_line
            .map(|l| rows.partition_point(|r| r.line < l) as f32 - 0.5)
            .filter(|y| (first as f32 - 0.5..=end as f32).contains(y)),
    }
}

/// The order lanes are drawn in: the shell, processes without a path, then tree paths
/// segment by segment (a supervisor before its children, siblings together).
fn lane_order(key: &str) -> (u8, Vec<&str>) {
    let rank = match key {
        "shell" => 0,
        k if !is_tree_path(k) => 1,
        _ => 2,
    };
    (rank, key.split('/').collect())
}

/// When the receiver handled it: took it, was killed by it, or ignored it.
fn handled_at(m: &Message) -> Option<At> {
    m.taken.or(match m.fate {
        Fate::Killed | Fate::Ignored | Fate::Dropped => m.arrived.or(Some(m.sent)),
        _ => None,
    })
}

/// An arrow's label: the message as sent (a call's request, a reply's value, an exit
/// signal's reason), shortened.
fn label(m: &Message) -> String {
    let t = match m.kind {
        Kind::Call | Kind::Reply | Kind::Cast => m.term.to_text(),
        Kind::ExitSignal { .. } => format!("exit: {}", m.term.to_text()),
        _ => m.erlang_term().to_text(),
    };
    short(&t, 40)
}

/// Virtual time as the Lab writes it: `12.345 s`.
pub fn time_text(t_us: u64) -> String {
    let ms = t_us / 1_000;
    format!("{}.{:03} s", ms / 1_000, ms % 1_000)
}

/// `s` cut to at most `n` characters, with `…` where it was cut.
pub fn short(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        return s.to_string();
    }
    let mut out: String = s.chars().take(n - 1).collect();
    out.push('…');
    out
}

/// Brings the rows of the whole chart (in send order) up to the history's newest
/// message: forgets rows whose messages are forgotten, notes what hidden lanes took since,
/// and adds the messages sent since.
fn extend_rows(
    history: &History,
    procs: &mut Procs,
    rows: &mut VecDeque<Row>,
    (last, pending): (&mut u64, &mut Vec<(u32, u64)>),
    fold: bool,
) {
    if let Some(oldest) = history.iter().next().map(|m| m.id) {
        let gone = rows.partition_point(|r| r.ids[0] < oldest);
        rows.drain(..gone);
    }
    pending.retain(|(i, id)| match history.get(*id) {
        Some(m) if m.taken.is_some() => {
            take(&mut procs.list[*i as usize], m);
            false
        }
        Some(m) => matches!(m.fate, Fate::InFlight | Fate::InMailbox),
        None => false,
    });
    for m in history.range(*last + 1..) {
        *last = m.id;
        let from = procs.see(m.from);
        let (from_hidden, from_picked) = (from.hidden, from.picked);
        let to_at = procs.at(m.to);
        let to = &mut procs.list[to_at];
        let (to_hidden, to_picked) = (to.hidden, to.picked);
        if to_hidden {
            if m.taken.is_some() {
                take(to, m);
            } else {
                pending.push((to_at as u32, m.id));
            }
            continue;
        }
        let mut origin = None;
        if from_hidden {
            // the chain of causes back to a shown lane
            let mut cause = m;
            for _ in 0..VIA_DEPTH {
                let Some(c) = cause_of(history, procs, cause) else {
                    break;
                };
                if !procs.hidden(c.from) {
                    origin = Some(c);
                    break;
                }
                cause = c;
            }
            let Some(o) = origin else { continue };
            if !(procs.see(o.from).picked || to_picked) {
                continue;
            }
        } else if !(from_picked || to_picked) {
            continue;
        }
        rows.push_back(Row {
            ids: [m.id, 0],
            n: 1,
            count: 1,
            line: m.sent.line,
            t_us: m.sent.t_us,
            origin: origin.map(|o| o.id),
        });
        if fold {
            fold_last(history, rows);
        }
    }
}

/// A hidden lane's process took `m`: a cause of what it sends next.
fn take(seen: &mut Seen, m: &Message) {
    if let Some(t) = m.taken {
        let at = seen.takes.partition_point(|x| *x < (t.line, m.id));
        seen.takes.insert(at, (t.line, m.id));
    }
}

/// The message `m`'s sender had taken last when it sent `m` (known for the processes of
/// hidden lanes).
fn cause_of<'h>(history: &'h History, procs: &Procs, m: &Message) -> Option<&'h Message> {
    let i = *procs.index.get(&m.from)? as usize;
    let v = &procs.list[i].takes;
    let k = v.partition_point(|(line, _)| *line <= m.sent.line);
    let (_, id) = v.get(k.checked_sub(1)?)?;
    history.get(*id)
}

/// The hidden lanes a via arrow ending with `m` passed through, first to last.
fn via_keys(history: &History, procs: &mut Procs, m: &Message) -> Vec<String> {
    let mut keys = Vec::new();
    let mut at = m;
    for _ in 0..VIA_DEPTH {
        let s = procs.see(at.from);
        if !s.hidden {
            break;
        }
        keys.push(s.key.to_string());
        let Some(c) = cause_of(history, procs, at) else {
            break;
        };
        at = c;
    }
    keys.reverse();
    keys.dedup();
    keys
}

/// Folds the last row into the ones before it: a message that answers the one before
/// (a reply to its call, or back to its sender after it was taken) makes a unit of two;
/// a unit like the one before it (same lanes, kinds and shape of message) adds to its
/// count.
fn fold_last(history: &History, rows: &mut VecDeque<Row>) {
    let n = rows.len();
    if n < 2 {
        return;
    }
    let (prev, last) = (rows[n - 2], rows[n - 1]);
    if prev.n == 1 && prev.count == 1 && prev.origin.is_none() && last.origin.is_none() {
        if let (Some(a), Some(b)) = (history.get(prev.ids[0]), history.get(last.ids[0])) {
            let answers = a.pair == Some(b.id)
                || (b.from == a.to && b.to == a.from && a.taken.is_some_and(|t| t <= b.sent));
            if answers {
                rows[n - 2].ids[1] = b.id;
                rows[n - 2].n = 2;
                rows.pop_back();
                return fold_unit(history, rows);
            }
        }
    }
    fold_unit(history, rows);
}

/// Adds the last row to the one before it if they are the same exchange.
fn fold_unit(history: &History, rows: &mut VecDeque<Row>) {
    let n = rows.len();
    if n < 2 {
        return;
    }
    let (prev, last) = (rows[n - 2], rows[n - 1]);
    if prev.n != last.n || last.count != 1 || prev.origin.is_some() || last.origin.is_some() {
        return;
    }
    let same =
        (0..last.n as usize).all(
            |k| match (history.get(prev.ids[k]), history.get(last.ids[k])) {
                (Some(a), Some(b)) => {
                    a.from == b.from
                        && a.to == b.to
                        && a.kind == b.kind
                        && shape(&a.term) == shape(&b.term)
                }
                _ => false,
            },
        );
    if same {
        rows[n - 2].count += 1;
        rows.pop_back();
    }
}

/// What makes two messages "the same" for folding: an atom itself; a tuple's tag and
/// size; otherwise the type.
fn shape(t: &Term) -> (u8, Option<otp_lab_sim::atom::Atom>, usize) {
    match t {
        Term::Atom(a) => (0, Some(*a), 0),
        Term::Tuple(items) => (1, items.first().and_then(|f| f.as_atom()), items.len()),
        Term::Int(_) => (2, None, 0),
        Term::List(_) => (3, None, 0),
        _ => (4, None, 0),
    }
}
