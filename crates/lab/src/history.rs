//! The message history: every message and exit signal of the run, joined up exactly from
//! the simulator's events — sent (`Send`, `ExitSignal`, the `Exit` a `'DOWN'` is about),
//! arrived in the mailbox (`Receive`), taken by a receive (`Take`, with what a selective
//! receive skipped) — by the `seq` of the event that sent it, which the simulator hands on.
//! A call is paired with its reply by the call's tag; a `gen_server`'s state before and
//! after it handled a message comes from its `State` events. Each instant is a virtual time
//! and the event-log line written then, so every view can put a message on the one clock.
//!
//! Bounded: the newest [`MESSAGES_KEPT`] messages are kept, each process remembers its
//! newest [`RECENT_PER_PROCESS`], and mailbox mirrors hold only kept messages.

use otp_lab_sim::event::MsgCode;
use otp_lab_sim::pid::Pid;
use otp_lab_sim::term::Term;
use rustc_hash::FxHashMap as HashMap;
use std::collections::VecDeque;

/// Messages kept (older ones are forgotten).
pub const MESSAGES_KEPT: usize = 100_000;

/// Messages each process remembers having sent or received.
pub const RECENT_PER_PROCESS: usize = 64;

/// What travelled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `{'$gen_call', {From, Tag}, Request}`.
    Call,
    /// `{Tag, Reply}`.
    Reply,
    /// `{'$gen_cast', Request}`.
    Cast,
    /// Anything sent with `!`.
    Plain,
    /// `proc_lib`'s start acknowledgement `{ack, Pid, Return}`.
    Ack,
    /// A system message (`sys:terminate`, as `GenServer.stop` sends it).
    System,
    /// A timer's message (`{timeout, TRef, Msg}`).
    Timer,
    /// An exit signal; if the receiver traps exits it arrives as an `{'EXIT', From,
    /// Reason}` message. `link`: sent by a linked process's death (else by `exit/2`).
    ExitSignal { link: bool },
    /// An `{'EXIT', Pid, noproc}` no signal sent (`link/1` to a dead pid, trapping).
    Exit,
    /// `{'DOWN', Ref, process, Pid, Reason}`.
    Down,
}

impl Kind {
    fn of_code(code: u32) -> Kind {
        match code {
            c if c == MsgCode::Call as u32 => Kind::Call,
            c if c == MsgCode::Reply as u32 => Kind::Reply,
            c if c == MsgCode::Cast as u32 => Kind::Cast,
            c if c == MsgCode::Ack as u32 => Kind::Ack,
            c if c == MsgCode::System as u32 => Kind::System,
            c if c == MsgCode::Timer as u32 => Kind::Timer,
            c if c == MsgCode::Exit as u32 => Kind::Exit,
            c if c == MsgCode::Down as u32 => Kind::Down,
            _ => Kind::Plain,
        }
    }

    /// A signal, not a message (drawn and told apart from messages).
    pub fn is_signal(self) -> bool {
        matches!(self, Kind::ExitSignal { .. })
    }
}

/// An instant on the run's one clock: virtual time and the event-log line index at it
/// (the line written then, or the next line to be written).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct At {
    pub t_us: u64,
    pub line: usize,
}

/// What became of a message or signal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fate {
    /// Sent, not yet handled by the receiver.
    InFlight,
    /// In the receiver's mailbox (a trapped exit signal: as an `'EXIT'` message).
    InMailbox,
    /// Taken out of the mailbox by a receive.
    Taken,
    /// The receiver was dead, or died before it got there: dropped silently.
    Dropped,
    /// An exit signal that killed the receiver.
    Killed,
    /// An exit signal the receiver ignored (`normal`, not trapping; or a link already gone).
    Ignored,
}

/// One message or exit signal.
#[derive(Clone, Debug, PartialEq)]
pub struct Message {
    /// The `seq` of the event that sent it (for a `'DOWN'`: of its arrival).
    pub id: u64,
    pub kind: Kind,
    pub from: Pid,
    pub to: Pid,
    /// The request (call, cast), the reply, the message, or the exit reason.
    pub term: Term,
    /// A call's or reply's tag, a `'DOWN'`'s monitor (a reference id; 0 otherwise).
    pub tag: u64,
    pub sent: At,
    pub arrived: Option<At>,
    pub taken: Option<At>,
    /// Older messages a selective receive left in the mailbox when it took this one.
    pub skipped: u32,
    pub fate: Fate,
    /// A call's reply, or a reply's call (its id).
    pub pair: Option<u64>,
    /// A `gen_server`'s state before and after it handled this message.
    pub state: Option<Box<(Term, Term)>>,
}

impl Message {
    /// [`Message::erlang_term`] written out into `out`, without building the term (the log
    /// writes one per message).
    pub fn write_erlang_term(&self, out: &mut String) {
        use std::fmt::Write;
        let t = self.term.display(&otp_lab_sim::term::DefaultNamer);
        let tag = otp_lab_sim::pid::Ref::from_id(self.tag);
        let _ = match self.kind {
            Kind::Call => write!(out, "{{'$gen_call',{{{},[alias|{tag}]}},{t}}}", self.from),
            Kind::Reply => write!(out, "{{[alias|{tag}],{t}}}"),
            Kind::Cast => write!(out, "{{'$gen_cast',{t}}}"),
            Kind::ExitSignal { .. } | Kind::Exit => {
                write!(out, "{{'EXIT',{},{t}}}", self.from)
            }
            Kind::Down => write!(out, "{{'DOWN',{tag},process,{},{t}}}", self.from),
            Kind::Ack => write!(out, "{{ack,{},{t}}}", self.from),
            _ => write!(out, "{t}"),
        };
    }

    /// The message as the receiver gets it, in Erlang's notation (`{'$gen_call',
    /// {<0.1.0>,[alias|#Ref<0.0.0.9>]},get}`); an exit signal as the `'EXIT'` a trapping
    /// receiver gets.
    pub fn erlang_term(&self) -> Term {
        let tag = || otp_lab_sim::message::alias_tag(otp_lab_sim::pid::Ref::from_id(self.tag));
        match self.kind {
            Kind::Call => Term::tuple(vec![
                Term::atom("$gen_call"),
                Term::pair(Term::Pid(self.from), tag()),
                self.term.clone(),
            ]),
            Kind::Reply => Term::pair(tag(), self.term.clone()),
            Kind::Cast => Term::pair(Term::atom("$gen_cast"), self.term.clone()),
            Kind::ExitSignal { .. } | Kind::Exit => Term::tuple(vec![
                Term::atom("EXIT"),
                Term::Pid(self.from),
                self.term.clone(),
            ]),
            Kind::Down => Term::tuple(vec![
                Term::atom("DOWN"),
                Term::Ref(otp_lab_sim::pid::Ref::from_id(self.tag)),
                Term::atom("process"),
                Term::Pid(self.from),
                self.term.clone(),
            ]),
            Kind::Ack => Term::tuple(vec![
                Term::atom("ack"),
                Term::Pid(self.from),
                self.term.clone(),
            ]),
            _ => self.term.clone(),
        }
    }
}

/// What a process is, as the history needs to know it (how it handles what it takes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// A `gen_server` worker: its callbacks and state are shown.
    Worker,
    /// A supervisor (a `gen_server` too; its state is a record, shown as `State`).
    Supervisor,
}

/// What the history learned from an event, for the log to tell.
#[derive(Clone, Debug, PartialEq)]
pub enum Noted {
    Nothing,
    /// A message or signal was sent (its id).
    Sent(u64),
    /// It arrived in the mailbox (its id).
    Arrived(u64),
    /// A receive took it (its id), leaving older ones in the mailbox (how many, and the
    /// first few).
    Taken(u64, u32, Vec<u64>),
}

/// What the history keeps of one process (from its spawn until long after its death).
#[derive(Default)]
struct Proc {
    alive: bool,
    role: Option<Role>,
    /// Its parent (a `gen_server` takes its parent's `'EXIT'` as an order to terminate,
    /// not as `handle_info`).
    parent: Option<Pid>,
    /// Its newest messages sent or received (ids, oldest first).
    recent: VecDeque<u64>,
    /// Its mailbox as the history knows it (ids, oldest first).
    mailbox: VecDeque<u64>,
    /// Exit signals on their way to it (ids, oldest first).
    signals: Vec<u64>,
    /// Calls it took and has not answered yet (ids).
    open_calls: Vec<u64>,
    /// A `gen_server`'s last state, and the message it took last.
    state: Option<Term>,
    last_taken: Option<u64>,
    /// The message a receive took last (any process).
    took_last: Option<u64>,
    /// When it was spawned, and when it exited with what reason.
    born: Option<At>,
    died: Option<(At, Term)>,
    /// The `seq` of its `Exit` event, and the exit signal that killed it (its id), or 0.
    exit_seq: u64,
    cause: u64,
}

/// A process's life as the history knows it.
#[derive(Clone, Debug, PartialEq)]
pub struct Life {
    pub pid: Pid,
    pub born: Option<At>,
    /// When it exited, and the reason.
    pub died: Option<(At, Term)>,
    /// The exit signal that killed it (its id in the history), or 0: its own exit.
    pub cause: u64,
}

/// The kept messages in id order (ids are the events' sequence numbers, so a new message
/// goes at the back and the oldest leaves from the front): a lookup is a binary search,
/// adding and forgetting move nothing.
#[derive(Default)]
struct Messages(VecDeque<Message>);

impl Messages {
    /// Where message `id` is (or would go). Most lookups are of recent messages: the
    /// search gallops back from the newest, then bisects what it bracketed.
    fn find(&self, id: u64) -> Result<usize, usize> {
        let (mut lo, mut hi, mut step) = (0, self.0.len(), 1);
        while step < hi {
            let i = hi - step;
            if self.0[i].id <= id {
                lo = i;
                break;
            }
            hi = i;
            step *= 2;
        }
        while lo < hi {
            let mid = (lo + hi) / 2;
            match self.0[mid].id.cmp(&id) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Equal => return Ok(mid),
                std::cmp::Ordering::Greater => hi = mid,
            }
        }
        Err(lo)
    }

    fn get(&self, id: &u64) -> Option<&Message> {
        self.find(*id).ok().map(|i| &self.0[i])
    }

    fn get_mut(&mut self, id: &u64) -> Option<&mut Message> {
        self.find(*id).ok().map(|i| &mut self.0[i])
    }

    fn contains_key(&self, id: &u64) -> bool {
        self.find(*id).is_ok()
    }

    fn insert(&mut self, m: Message) {
        match self.0.back() {
            Some(last) if last.id >= m.id => match self.find(m.id) {
                Ok(i) => self.0[i] = m,
                Err(i) => self.0.insert(i, m),
            },
            _ => self.0.push_back(m),
        }
    }

    fn pop_first(&mut self) -> Option<Message> {
        self.0.pop_front()
    }

    fn len(&self) -> usize {
        self.0.len()
    }

    fn range(
        &self,
        range: impl std::ops::RangeBounds<u64>,
    ) -> impl DoubleEndedIterator<Item = &Message> {
        use std::ops::Bound;
        let start = match range.start_bound() {
            Bound::Included(a) => self.0.partition_point(|m| m.id < *a),
            Bound::Excluded(a) => self.0.partition_point(|m| m.id <= *a),
            Bound::Unbounded => 0,
        };
        let end = match range.end_bound() {
            Bound::Included(b) => self.0.partition_point(|m| m.id <= *b),
            Bound::Excluded(b) => self.0.partition_point(|m| m.id < *b),
            Bound::Unbounded => self.0.len(),
        };
        self.0.range(start..end.max(start))
    }
}

/// The history.
#[derive(Default)]
pub struct History {
    messages: Messages,
    procs: HashMap<Pid, Proc>,
    /// Spawns and exits in the order of their log lines: (line, pid).
    changes: VecDeque<(usize, Pid)>,
}

/// Spawns and exits remembered by their instant (for the marks on a chart's lanes).
const CHANGES_KEPT: usize = 20_000;

/// Messages a receive left in the mailbox that [`Noted::Taken`] names.
pub const LEFT_SHOWN: usize = 3;

fn life(pid: Pid, p: &Proc) -> Life {
    Life {
        pid,
        born: p.born,
        died: p.died.clone(),
        cause: p.cause,
    }
}

/// A new message record, before it arrives.
fn message(
    id: u64,
    kind: Kind,
    (from, to): (Pid, Pid),
    term: &Term,
    tag: u64,
    sent: At,
) -> Message {
    Message {
        id,
        kind,
        from,
        to,
        term: term.clone(),
        tag,
        sent,
        arrived: None,
        taken: None,
        skipped: 0,
        fate: Fate::InFlight,
        pair: None,
        state: None,
    }
}

impl History {
    /// A message by id, if kept.
    pub fn get(&self, id: u64) -> Option<&Message> {
        self.messages.get(&id)
    }

    /// Messages kept, oldest first.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &Message> {
        self.messages.0.iter()
    }

    /// Messages kept whose id is in `range`, oldest first.
    pub fn range(
        &self,
        range: impl std::ops::RangeBounds<u64>,
    ) -> impl DoubleEndedIterator<Item = &Message> {
        self.messages.range(range)
    }

    pub fn len(&self) -> usize {
        self.messages.len()
    }

    pub fn is_empty(&self) -> bool {
        self.messages.0.is_empty()
    }

    fn ids<'a>(
        &'a self,
        ids: Option<&'a VecDeque<u64>>,
    ) -> impl DoubleEndedIterator<Item = &'a Message> {
        ids.into_iter()
            .flatten()
            .filter_map(|id| self.messages.get(id))
    }

    /// A process's newest messages sent or received, oldest first.
    pub fn recent(&self, pid: Pid) -> impl DoubleEndedIterator<Item = &Message> {
        self.ids(self.procs.get(&pid).map(|p| &p.recent))
    }

    /// A process's mailbox as the history knows it, oldest first.
    pub fn mailbox(&self, pid: Pid) -> impl Iterator<Item = &Message> {
        self.ids(self.procs.get(&pid).map(|p| &p.mailbox))
    }

    /// How many messages the history knows in a process's mailbox.
    pub fn mailbox_len(&self, pid: Pid) -> usize {
        self.procs.get(&pid).map_or(0, |p| p.mailbox.len())
    }

    /// How many messages at the head of a process's mailbox a selective receive passed
    /// over: those that arrived before the message its last receive took.
    pub fn skipped_in_mailbox(&self, pid: Pid) -> usize {
        let Some(p) = self.procs.get(&pid) else {
            return 0;
        };
        let Some(took) = p.took_last.and_then(|id| self.messages.get(&id)?.arrived) else {
            return 0;
        };
        self.ids(Some(&p.mailbox))
            .take_while(|m| m.arrived.is_some_and(|a| a < took))
            .count()
    }

    /// Processes the history knows (alive, or dead not long ago).
    pub fn known(&self) -> impl Iterator<Item = &Pid> {
        self.procs.keys()
    }

    /// The lives of the processes the history knows (in no particular order).
    pub fn lives(&self) -> impl Iterator<Item = Life> + '_ {
        self.procs.iter().map(|(pid, p)| life(*pid, p))
    }

    /// The processes spawned or exited at an event-log line in `lines` (each once per
    /// change, in line order; only the newest [`CHANGES_KEPT`] changes are known).
    pub fn changed(&self, lines: std::ops::Range<usize>) -> impl Iterator<Item = Pid> + '_ {
        let from = self.changes.partition_point(|(l, _)| *l < lines.start);
        let to = self.changes.partition_point(|(l, _)| *l < lines.end);
        self.changes.range(from..to.max(from)).map(|(_, p)| *p)
    }

    fn note_change(&mut self, line: usize, pid: Pid) {
        self.changes.push_back((line, pid));
        if self.changes.len() > CHANGES_KEPT {
            self.changes.pop_front();
        }
    }

    /// One process's life, if the history knows it.
    pub fn life(&self, pid: Pid) -> Option<Life> {
        self.procs.get(&pid).map(|p| life(pid, p))
    }

    /// The process's role, if it has one.
    pub fn role(&self, pid: Pid) -> Option<Role> {
        self.procs.get(&pid).and_then(|p| p.role)
    }

    /// A `gen_server`'s state as last told.
    pub fn state_of(&self, pid: Pid) -> Option<&Term> {
        self.procs.get(&pid).and_then(|p| p.state.as_ref())
    }

    /// The live process's parent, if it has one.
    pub fn parent(&self, pid: Pid) -> Option<Pid> {
        self.procs.get(&pid).and_then(|p| p.parent)
    }

    /// When a recently dead process exited, and the `seq` of its `Exit` event.
    pub fn exit_of(&self, pid: Pid) -> Option<(At, u64)> {
        let p = self.procs.get(&pid)?;
        p.died.as_ref().map(|(at, _)| (*at, p.exit_seq))
    }

    fn alive(&self, pid: Pid) -> bool {
        self.procs.get(&pid).is_some_and(|p| p.alive)
    }

    pub(crate) fn set_role(&mut self, pid: Pid, role: Role) {
        if let Some(p) = self.procs.get_mut(&pid) {
            p.role = Some(role);
        }
    }

    /// `pid` was spawned by `parent` (`Spawn`).
    pub(crate) fn spawned(&mut self, pid: Pid, parent: Pid, at: At) {
        self.note_change(at.line, pid);
        let p = self.procs.entry(pid).or_default();
        p.alive = true;
        p.born = Some(at);
        p.parent = (!parent.is_none()).then_some(parent);
    }

    /// A message was sent (`Send`).
    pub(crate) fn sent(
        &mut self,
        id: u64,
        code: u32,
        ends: (Pid, Pid),
        term: &Term,
        tag: u64,
        at: At,
    ) -> Noted {
        let kind = Kind::of_code(code);
        let mut m = message(id, kind, ends, term, tag, at);
        if kind == Kind::Reply {
            m.pair = self.answer(ends.0, id, tag);
        }
        self.insert(m);
        Noted::Sent(id)
    }

    /// `server` sent reply `id` with `tag`: the open call it answers (paired both ways).
    fn answer(&mut self, server: Pid, id: u64, tag: u64) -> Option<u64> {
        let open = &mut self.procs.get_mut(&server)?.open_calls;
        let messages = &mut self.messages;
        let i = open
            .iter()
            .position(|c| messages.get(c).is_some_and(|m| m.tag == tag))?;
        let call = open.remove(i);
        if let Some(c) = messages.get_mut(&call) {
            c.pair = Some(id);
        }
        Some(call)
    }

    /// An exit signal was sent (`ExitSignal`).
    pub(crate) fn signalled(
        &mut self,
        id: u64,
        ends: (Pid, Pid),
        link: bool,
        reason: &Term,
        at: At,
    ) -> Noted {
        if let Some(p) = self.procs.get_mut(&ends.1).filter(|p| p.alive) {
            p.signals.push(id);
        }
        self.insert(message(id, Kind::ExitSignal { link }, ends, reason, 0, at));
        Noted::Sent(id)
    }

    /// A message entered `to`'s mailbox (`Receive`; `seq` its own, `aux` its sender's — a
    /// `'DOWN'`'s monitor).
    pub(crate) fn arrived(
        &mut self,
        (seq, aux): (u64, u64),
        code: u32,
        (to, from): (Pid, Pid),
        term: &Term,
        at: At,
    ) -> Noted {
        let kind = Kind::of_code(code);
        let id = match kind {
            // a 'DOWN' has no send of its own: it is known by its arrival
            Kind::Down => {
                let sent = self.exit_of(from).map_or(at, |(a, _)| a);
                self.insert(message(seq, kind, (from, to), term, aux, sent));
                seq
            }
            // nothing sent it (or it is forgotten): known from here on
            _ if aux == 0 || !self.messages.contains_key(&aux) => {
                self.insert(message(seq, kind, (from, to), term, 0, at));
                seq
            }
            _ => aux,
        };
        if let Some(m) = self.messages.get_mut(&id) {
            m.arrived = Some(at);
            m.fate = Fate::InMailbox;
        }
        match kind {
            Kind::Down => {
                if let Some((_, exit)) = self.exit_of(from) {
                    self.ignore_older(to, exit);
                }
            }
            _ if aux != 0 => self.ignore_older(to, aux),
            _ => {}
        }
        if let Some(p) = self.procs.get_mut(&to) {
            p.mailbox.push_back(id);
        }
        Noted::Arrived(id)
    }

    /// Signals reach a process in the order they were sent: exit signals to `to` sent
    /// before `sent` and still in flight were handled before it, so the receiver ignored
    /// them.
    fn ignore_older(&mut self, to: Pid, sent: u64) {
        let Some(p) = self.procs.get_mut(&to) else {
            return;
        };
        let messages = &mut self.messages;
        p.signals.retain(|id| {
            if *id > sent {
                return true;
            }
            if let Some(m) = messages.get_mut(id).filter(|_| *id < sent) {
                if m.fate == Fate::InFlight {
                    m.fate = Fate::Ignored;
                }
            }
            false
        });
    }

    /// `pid` took a message (`Take`: `aux` names it; `skipped` older ones stay).
    pub(crate) fn taken(&mut self, pid: Pid, aux: u64, skipped: u32, at: At) -> Noted {
        let mut left = Vec::new();
        if let Some(p) = self.procs.get_mut(&pid) {
            let mailbox = &mut p.mailbox;
            // the simulator says how many messages were before it: look there first
            let hint = skipped as usize;
            let pos = if mailbox.get(hint) == Some(&aux) {
                Some(hint)
            } else {
                mailbox.iter().position(|id| *id == aux)
            };
            if let Some(i) = pos {
                mailbox.remove(i);
                let shown = i.min(hint).min(LEFT_SHOWN);
                left = mailbox.range(..shown).copied().collect();
            }
            if p.state.is_some() {
                p.last_taken = Some(aux);
            }
            p.took_last = Some(aux);
            if let Some(m) = self.messages.get_mut(&aux) {
                m.taken = Some(at);
                m.fate = Fate::Taken;
                m.skipped = skipped;
                if m.kind == Kind::Call {
                    p.open_calls.push(aux);
                }
            }
        }
        Noted::Taken(aux, skipped, left)
    }

    /// A `gen_server` told its state (`State`): after init, or after handling the message
    /// it took last.
    pub(crate) fn told_state(&mut self, pid: Pid, state: &Term) {
        let Some(p) = self.procs.get_mut(&pid) else {
            return;
        };
        let before = p.state.replace(state.clone());
        if let (Some(before), Some(id)) = (before, p.last_taken.take()) {
            if let Some(m) = self.messages.get_mut(&id) {
                m.state = Some(Box::new((before, state.clone())));
            }
        }
    }

    /// `pid` died (`Exit` with `seq`; `cause`: the exit signal that killed it, or 0). What
    /// was on its way to it or in its mailbox is dropped.
    pub(crate) fn died(&mut self, pid: Pid, (seq, cause): (u64, u64), reason: &Term, at: At) {
        if let Some(m) = self.messages.get_mut(&cause).filter(|m| m.to == pid) {
            m.fate = Fate::Killed;
            m.arrived = Some(at);
        }
        if cause != 0 {
            self.ignore_older(pid, cause);
        }
        if let Some(p) = self.procs.get_mut(&pid) {
            for id in p.signals.drain(..).chain(p.mailbox.drain(..)) {
                if let Some(m) = self.messages.get_mut(&id) {
                    m.fate = Fate::Dropped;
                }
            }
            p.alive = false;
            p.died = Some((at, reason.clone()));
            p.exit_seq = seq;
            p.cause = cause;
            p.parent = None;
            p.open_calls = Vec::new();
            p.state = None;
            p.last_taken = None;
        }
        self.note_change(at.line, pid);
    }

    /// A process is forgotten (long gone).
    pub(crate) fn forget(&mut self, pid: Pid) {
        self.procs.remove(&pid);
    }

    fn insert(&mut self, m: Message) {
        let (id, from, to) = (m.id, m.from, m.to);
        // to a process that is not alive: dropped at once
        let dead = !self.alive(to);
        self.messages.insert(m);
        if dead {
            if let Some(m) = self.messages.get_mut(&id) {
                m.fate = Fate::Dropped;
            }
        }
        for pid in [from, to] {
            let Some(r) = self.procs.get_mut(&pid).map(|p| &mut p.recent) else {
                continue;
            };
            if r.back() != Some(&id) {
                r.push_back(id);
            }
            if r.len() > RECENT_PER_PROCESS {
                r.pop_front();
            }
        }
        while self.messages.len() > MESSAGES_KEPT {
            let Some(m) = self.messages.pop_first() else {
                break;
            };
            let old = m.id;
            if m.fate == Fate::InMailbox {
                if let Some(mb) = self.procs.get_mut(&m.to).map(|p| &mut p.mailbox) {
                    // the oldest message is usually at the front of its mailbox
                    if mb.front() == Some(&old) {
                        mb.pop_front();
                    } else {
                        mb.retain(|i| *i != old);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_found_by_id_wherever_they_are() {
        let mut ms = Messages::default();
        let (a, b) = (Pid::from_bits(1), Pid::from_bits(2));
        let at = At { t_us: 0, line: 0 };
        let ids: Vec<u64> = (0..1000).map(|i| i * 3 + 1).collect();
        for &id in &ids {
            ms.insert(message(id, Kind::Plain, (a, b), &Term::NIL_TERM, 0, at));
        }
        // one out of order goes where it belongs
        ms.insert(message(5, Kind::Plain, (a, b), &Term::NIL_TERM, 0, at));
        for (i, id) in (0..3100u64).enumerate() {
            let want = ms.0.iter().position(|m| m.id == id);
            assert_eq!(ms.find(id).ok(), want, "id {id} ({i})");
            if want.is_none() {
                let at = ms.find(id).unwrap_err();
                assert!(at == ms.len() || ms.0[at].id > id);
                assert!(at == 0 || ms.0[at - 1].id < id);
            }
        }
        assert_eq!(
            ms.range(4..=7).map(|m| m.id).collect::<Vec<_>>(),
            vec![4, 5, 7]
        );
    }

    #[test]
    fn the_history_stays_bounded() {
        let mut h = History::default();
        let (a, b) = (Pid::from_bits(1), Pid::from_bits(2));
        let at0 = At { t_us: 0, line: 0 };
        h.spawned(a, Pid::NONE, at0);
        h.spawned(b, Pid::NONE, at0);
        let term = Term::atom("ping");
        let n = MESSAGES_KEPT as u64 + 500;
        for id in 1..=n {
            let at = At {
                t_us: id,
                line: id as usize,
            };
            h.sent(id, MsgCode::User as u32, (a, b), &term, 0, at);
            h.arrived((id, id), MsgCode::User as u32, (b, a), &term, at);
            if id % 2 == 0 {
                // the odd ones before it stay, as a selective receive leaves them
                let skipped = h.mailbox_len(b) - 1;
                h.taken(b, id, skipped as u32, at);
            }
        }
        assert_eq!(h.len(), MESSAGES_KEPT);
        assert_eq!(
            h.iter().next().map(|m| m.id),
            Some(501),
            "the oldest go first"
        );
        assert_eq!(h.recent(a).count(), RECENT_PER_PROCESS);
        // untaken messages wait in b's mailbox, but only the kept ones
        let waiting = h.mailbox(b).count();
        assert!(waiting <= MESSAGES_KEPT / 2 + 1, "{waiting}");
        assert!(h.mailbox(b).all(|m| m.fate == Fate::InMailbox));
    }
}
