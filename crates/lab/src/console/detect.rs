//! Which syntax a line is in: Erlang for `module:function(`, Erlang-only built-ins,
//! `Pid ! Msg`, `Var = …`, a leading `<0.` pid or a final `.`; Elixir otherwise.

use super::Syntax;

/// Guesses the syntax of a (non-empty, trimmed) line: Erlang for `module:function(`,
/// Erlang-only built-ins, `Pid ! Msg`, a leading `<0.` pid or a final `.`; else Elixir.
pub(super) fn detect(line: &str) -> Syntax {
    let ident_end = |s: &str| {
        s.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '@'))
            .unwrap_or(s.len())
    };
    let first = line.chars().next().unwrap_or(' ');
    if first.is_ascii_uppercase() {
        // `Supervisor.f(…)` is Elixir; `Pid ! Msg` and `Pid = …` are Erlang.
        let rest = &line[ident_end(line)..];
        let binds = rest.trim_start().starts_with('=') && !rest.trim_start()[1..].starts_with('=');
        if binds {
            return Syntax::Erlang;
        }
        return if rest.starts_with('.') || !has_send_bang(line) {
            Syntax::Elixir
        } else {
            Syntax::Erlang
        };
    }
    if first.is_ascii_lowercase() {
        let n = ident_end(line);
        let rest = &line[n..];
        let module_call = rest.starts_with(':')
            && rest[1..].starts_with(|c: char| c.is_ascii_lowercase() || c == '\'');
        let bif = matches!(
            &line[..n],
            "exit"
                | "link"
                | "unlink"
                | "process_info"
                | "monitor"
                | "demonitor"
                | "list_to_pid"
                | "is_process_alive"
                | "whereis"
                | "processes"
                | "process_flag"
        ) && rest.trim_start().starts_with('(');
        if module_call || bif {
            return Syntax::Erlang;
        }
    }
    if line.starts_with('<') && line[1..].starts_with(|c: char| c.is_ascii_digit()) {
        return Syntax::Erlang;
    }
    if has_send_bang(line) || line.ends_with('.') && first != ':' {
        Syntax::Erlang
    } else {
        Syntax::Elixir
    }
}

/// True if the line has a `!` outside strings that reads as Erlang's send: after a name,
/// `>` or a closing bracket, and before something that can start a message (so Elixir's
/// `:ok!`, `foo!(…)`, `ok!: 1`, `!x` and `!=` do not count).
fn has_send_bang(line: &str) -> bool {
    let chars: Vec<char> = line.chars().collect();
    let mut quote = None;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match quote {
            Some(q) => {
                if c == '\\' {
                    i += 1;
                } else if c == q {
                    quote = None;
                }
            }
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == '!' => {
                let before = chars[..i].iter().rev().find(|c| !c.is_whitespace());
                let after = chars[i + 1..].iter().find(|c| !c.is_whitespace());
                let before_ok = before.is_some_and(|b| {
                    // a name's letter (any non-ASCII one counts as a letter)
                    b.is_ascii_alphanumeric()
                        || !b.is_ascii()
                        || matches!(b, '_' | '>' | ')' | '}' | ']' | '"' | '\'')
                });
                let after_ok =
                    after.is_some_and(|a| !matches!(a, '=' | ')' | ',' | '}' | ']' | ':' | '('));
                if before_ok && after_ok {
                    return true;
                }
            }
            None => {}
        }
        i += 1;
    }
    false
}
