//! Properties: every command prints as a line that reads back to it; mangled lines never
//! panic.

use super::*;

fn atom_name() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z_][a-zA-Z0-9_@]{0,6}[?!]?",
        "[A-Z][a-zA-Z.]{0,6}",
        Just("true".to_string()),
        Just("nil".to_string()),
        Just("undefined".to_string()),
        Just("Elixir.Counter".to_string()),
        vec(any::<char>(), 0..6).prop_map(String::from_iter),
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z_/0-9]{0,10}",
        vec(any::<char>(), 0..8).prop_map(String::from_iter)
    ]
}

fn leaf() -> impl Strategy<Value = Term> {
    prop_oneof![
        atom_name().prop_map(|s| Term::atom(&s)),
        any::<i64>().prop_map(Term::Int),
        (-5i64..5).prop_map(Term::Int),
        "-?[1-9][0-9]{19,25}".prop_map(|s| Term::BigInt(Rc::from(s))),
        any::<f64>()
            .prop_filter("finite", |x| x.is_finite())
            .prop_map(Term::Float),
        any::<u32>().prop_map(pid_term),
        any::<u64>().prop_map(|n| Term::Ref(Ref::from_id(n))),
        text().prop_map(|s| Term::Binary(Rc::from(s.into_bytes()))),
        // Not UTF-8 and not printable: printed (and read) as `<<0,255,…>>`.
        vec(any::<u8>(), 0..4).prop_map(|b| {
            let bytes: Vec<u8> = [0, 255].into_iter().chain(b).collect();
            Term::Binary(Rc::from(bytes))
        }),
    ]
}

/// Terms `elixir_term` prints in Elixir syntax (improper lists, bitstrings and stack
/// traces print in Erlang syntax, so they cannot round-trip).
fn term() -> impl Strategy<Value = Term> {
    leaf().prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..4).prop_map(Term::tuple),
            vec(inner.clone(), 0..4).prop_map(Term::list),
            vec((atom_name(), inner.clone()), 1..3).prop_map(|kv| {
                Term::list(
                    kv.into_iter()
                        .map(|(k, v)| Term::pair(Term::atom(&k), v))
                        .collect(),
                )
            }),
            vec((inner.clone(), inner.clone()), 0..3).prop_map(make_map),
            vec((atom_name(), inner), 0..3).prop_map(|kv| make_map(
                kv.into_iter().map(|(k, v)| (Term::atom(&k), v)).collect()
            )),
        ]
    })
}

fn target() -> impl Strategy<Value = Target> {
    prop_oneof![
        text().prop_map(Target::Path),
        any::<u32>().prop_map(Target::Pid),
        atom_name().prop_map(Target::Name),
    ]
}

/// Terms read back as themselves by `terminate_child` (strings and pids are processes).
fn child_sel() -> impl Strategy<Value = ChildSel> {
    prop_oneof![
        term()
            .prop_filter("an id", |t| !matches!(t, Term::Binary(_) | Term::Pid(_)))
            .prop_map(ChildSel::Id),
        text().prop_map(|p| ChildSel::Pid(Target::Path(p))),
        any::<u32>().prop_map(|n| ChildSel::Pid(Target::Pid(n))),
    ]
}

/// Instance names read back as themselves (a string becomes an atom; `{Module, x}` is
/// `x`; a map spec is its start argument).
fn stable_arg(t: &Term) -> bool {
    match t {
        Term::Binary(_) | Term::Map(_) => false,
        Term::Tuple(items) => {
            !matches!(&items[..], [Term::Atom(m), _] if m.name().starts_with("Elixir."))
        }
        _ => true,
    }
}

fn start_spec() -> impl Strategy<Value = StartSpec> {
    let kind = prop_oneof![
        Just(WorkerKind::Generic),
        Just(WorkerKind::Counter),
        Just(WorkerKind::Printer)
    ];
    let restart = prop_oneof![
        Just(RestartType::Permanent),
        Just(RestartType::Transient),
        Just(RestartType::Temporary)
    ];
    prop_oneof![
        (term(), kind, restart).prop_map(|(id, kind, restart)| StartSpec::Worker {
            id,
            kind,
            restart
        }),
        term()
            .prop_filter("stable", stable_arg)
            .prop_map(StartSpec::Args),
    ]
}

fn command() -> impl Strategy<Value = Command> {
    let strategy = prop_oneof![
        Just(SupStrategy::OneForOne),
        Just(SupStrategy::OneForAll),
        Just(SupStrategy::RestForOne),
        Just(SupStrategy::SimpleOneForOne)
    ];
    (
        0u8..29,
        target(),
        term(),
        child_sel(),
        start_spec(),
        strategy,
    )
        .prop_map(|(which, target, term, child, spec, strategy)| {
            let sup = target.clone();
            match which {
                0 => Command::Exit {
                    target,
                    reason: term,
                },
                1 => Command::Crash {
                    target,
                    reason: term,
                },
                2 => Command::Send { target, msg: term },
                3 => Command::Call { target, msg: term },
                4 => Command::Cast { target, msg: term },
                5 => Command::Info {
                    target,
                    flavor: Flavor::Elixir,
                },
                6 => Command::Link { target },
                7 => Command::Monitor { target },
                8 => Command::WhichChildren { sup },
                9 => Command::CountChildren { sup },
                10 => Command::TerminateChild { sup, child },
                11 => Command::RestartChild { sup, id: term },
                12 => Command::DeleteChild { sup, id: term },
                13 => Command::StartChild { sup, spec },
                14 => Command::Pause { sup },
                15 => Command::Resume { sup },
                16 => Command::ChangeStrategy { sup, strategy },
                17 => Command::InfoItems {
                    target,
                    items: Term::list(vec![Term::atom("messages"), Term::atom("links")]),
                    flavor: Flavor::Elixir,
                },
                18 => Command::SelfPid,
                19 => Command::Flush,
                20 => Command::Alive { target },
                21 => Command::Whereis {
                    name: Term::atom("demo"),
                    flavor: Flavor::Elixir,
                },
                22 => Command::Processes,
                23 => Command::Unlink { target },
                24 => Command::Demonitor {
                    mref: Term::Ref(Ref::from_id(7)),
                    opts: Term::list(vec![]),
                },
                25 => Command::Demonitor {
                    mref: Term::Ref(Ref::from_id(9)),
                    opts: Term::list(vec![Term::atom("flush"), Term::atom("info")]),
                },
                26 => Command::TrapExit { value: true },
                27 => Command::Stop {
                    target,
                    reason: term,
                },
                _ => Command::TrapExit { value: false },
            }
        })
}

/// Lines in both syntaxes to mutate.
const SAMPLES: &[&str] = &[
    "supervisor:start_child(demo, {w4, {counter, start_link, []}, permanent, 5000, worker, [counter]}).",
    "supervisor:start_child(demo, #{id => w4, start => {counter, start_link, []}}).",
    "list_to_pid(\"<0.84.0>\") ! {hello, $a, 'q u', <<\"b\">>, [1|2], 16#ff}.",
    "erlang:monitor(process, <0.84.0>). % watch it",
    "Supervisor.start_child(:demo, %{id: :w4, start: {Counter, :start_link, []}, restart: :transient})",
    "send(pid(0, 84, 0), [a: 1, b: %{\"k\" => <<1, 2>>}, c: [1 | 2], d: ?x, e: 0x1F, f: -1.5e3])",
    "h Supervisor.which_children",
];

fn mutate(line: &str, edits: &[(usize, u8, char)]) -> String {
    let mut chars: Vec<char> = line.chars().collect();
    for &(at, op, c) in edits {
        let i = at % (chars.len() + 1);
        match op {
            0 => chars.insert(i, c),
            1 if i < chars.len() => {
                chars.remove(i);
            }
            2 => chars.truncate(i),
            _ => {
                let dup: Vec<char> = chars[i..].iter().take(8).copied().collect();
                chars.splice(i..i, dup);
            }
        }
    }
    chars.into_iter().collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn every_printed_command_parses_back(c in command()) {
        let line = c.to_elixir();
        prop_assume!(line.chars().count() <= MAX_LINE);
        prop_assert_eq!(parse(&line), Ok(Input::Command(c, Syntax::Elixir)), "{}", line);
    }

    #[test]
    fn arbitrary_text_never_panics(s in any::<String>()) {
        let _ = parse(&s);
        let _ = help(Some(&s));
    }

    #[test]
    fn console_like_text_never_panics(s in "[\\[\\]{}()<>#%:;,.!|\"'$?\\\\=/ a-zA-Z0-9_\\-\n]{0,80}") {
        if let Ok(Input::Help(Some(topic))) = parse(&s) {
            let _ = help(Some(&topic));
        }
    }

    #[test]
    fn mutated_lines_never_panic(
        c in command(),
        sample in 0..SAMPLES.len(),
        edits in vec((any::<usize>(), 0u8..4, prop_oneof![any::<char>(), proptest::char::range(' ', '~')]), 1..6),
    ) {
        let _ = parse(&mutate(&c.to_elixir(), &edits));
        let _ = parse(&mutate(SAMPLES[sample], &edits));
    }
}
