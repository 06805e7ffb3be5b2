//! The Erlang front end: `module:function(Args)`, `function(Args)` and `Pid ! Msg`, with
//! an optional final `.` and `%` comment.
//!
//! One scan over the line finds brackets, commas and `!` outside strings, quoted atoms
//! and `$c` characters; each argument's text is then read by
//! [`otp_lab_sim::term::parse_term`], except pids (`<0.84.0>`, `list_to_pid("<0.84.0>")`,
//! `pid(0,84,0)`), which Erlang terms cannot spell. Errors follow the Erlang shell:
//! `* 1:COLUMN: …`.

use super::{column, pid_serial, pid_term, Body, Call, Line, Scope, Syntax};
use otp_lab_sim::term::{parse_term, Term};

/// A bracket, comma or `!` found by [`scan`], with the bracket depth around it.
struct Mark {
    pos: usize,
    ch: char,
    depth: usize,
}

/// Reads an Erlang line (not `h`/`clear`, which [`super::parse`] handles): an optional
/// `Var = ` to bind, then a call or a value.
pub(super) fn parse_line(src: &str, scope: &Scope) -> Result<Line, String> {
    let (_, end) = scan(src)?;
    let text = src[..end].trim_end();
    let text = text.strip_suffix('.').unwrap_or(text).trim_end();
    let (bind, from) = binding(text);
    // the right-hand side, blanked out before it so that offsets stay those of the line
    let blank = format!("{}{}", " ".repeat(from), &text[from..]);
    let text = blank.as_str();
    let body = body(text, scope, bind.is_some())?;
    Ok(Line { bind, body })
}

/// `Var = ` at the start of the line: the variable and where the right-hand side starts.
fn binding(text: &str) -> (Option<String>, usize) {
    let start = text.len() - text.trim_start().len();
    let rest = &text[start..];
    let n = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '@'))
        .unwrap_or(rest.len());
    let name = &rest[..n];
    let after = rest[n..].trim_start();
    if is_variable(name) && after.starts_with('=') && !after[1..].starts_with(['=', ':', '<', '/'])
    {
        let rhs = text.len() - after[1..].len();
        return (Some(name.to_string()), rhs);
    }
    (None, start)
}

/// A call, or a value (after `Var = `, or a bound variable alone).
fn body(text: &str, scope: &Scope, binding: bool) -> Result<Body, String> {
    let (marks, _) = scan(text)?;
    if let Some(bang) = marks.iter().find(|m| m.ch == '!' && m.depth == 0) {
        let to = value(text, 0, bang.pos, scope)?;
        let msg = value(text, bang.pos + 1, text.len(), scope)?;
        return Ok(Body::Call(Call {
            module: None,
            erlang: true,
            name: "!".to_string(),
            args: vec![to, msg],
        }));
    }
    let start = text.len() - text.trim_start().len();
    if scope.vars.contains_key(text.trim()) {
        return value(text, start, text.len(), scope).map(Body::Value);
    }
    let ident = |from: usize| {
        let s = &text[from..];
        match s.chars().next() {
            Some(c) if c.is_ascii_lowercase() => s
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '@'))
                .unwrap_or(s.len()),
            _ => 0,
        }
    };
    let n = ident(start);
    if n == 0 || (binding && is_value_call(&text[start..])) {
        if binding {
            return value(text, start, text.len(), scope).map(Body::Value);
        }
        return Err(not_a_call(text, start));
    }
    let (mut module, mut name, mut after) = (None, &text[start..start + n], start + n);
    if text[after..].starts_with(':') {
        let m = ident(after + 1);
        if m > 0 {
            module = Some(name.to_string());
            name = &text[after + 1..after + 1 + m];
            after += 1 + m;
        }
    }
    let open = after + (text.len() - after - text[after..].trim_start().len());
    let Some(open_mark) = marks.iter().position(|m| m.pos == open && m.ch == '(') else {
        if binding {
            return value(text, start, text.len(), scope).map(Body::Value);
        }
        return Err(not_a_call(text, start));
    };
    let Some(close) = marks[open_mark..]
        .iter()
        .find(|m| m.ch == ')' && m.depth == 0)
        .map(|m| m.pos)
    else {
        return Err(format!(
            "* 1:{}: syntax error: missing )",
            column(text, text.len())
        ));
    };
    if let Some(extra) = text[close + 1..].trim_start().chars().next() {
        let at = text.len() - text[close + 1..].trim_start().len();
        return Err(format!(
            "* 1:{}: syntax error before: {extra}",
            column(text, at)
        ));
    }
    let mut args = Vec::new();
    if !text[open + 1..close].trim().is_empty() {
        let mut from = open + 1;
        for comma in marks
            .iter()
            .filter(|m| m.ch == ',' && m.depth == 1 && m.pos > open && m.pos < close)
        {
            args.push(value(text, from, comma.pos, scope)?);
            from = comma.pos + 1;
        }
        args.push(value(text, from, close, scope)?);
    }
    Ok(Body::Call(Call {
        module,
        erlang: true,
        name: name.to_string(),
        args,
    }))
}

/// True for the calls that spell values (`list_to_pid("<0.84.0>")`, `pid(0,84,0)`).
fn is_value_call(t: &str) -> bool {
    ["list_to_pid(", "erlang:list_to_pid(", "pid(", "c:pid("]
        .iter()
        .any(|f| t.starts_with(f))
}

/// The error for a line that is not a call: an unbound variable, a value, or the term's
/// syntax error.
fn not_a_call(text: &str, start: usize) -> String {
    let t = text.trim();
    if is_variable(t) {
        return format!(
            "* 1:{}: variable '{t}' is unbound — {}",
            column(text, start),
            super::bare_word_hint(t, Syntax::Erlang)
        );
    }
    match value(text, start, text.len(), &Scope::default()) {
        Err(e) => e,
        Ok(v) => format!(
            "{} is a value, not a command: commands are calls like supervisor:which_children(demo). Type h for help.",
            v.to_text()
        ),
    }
}

fn is_variable(t: &str) -> bool {
    t.starts_with(|c: char| c.is_ascii_uppercase() || c == '_')
        && t.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '@')
}

/// The term written in `line[from..to]` (a bound variable or `self()` stands for its value).
fn value(line: &str, from: usize, to: usize, scope: &Scope) -> Result<Term, String> {
    let raw = &line[from..to];
    let at = from + (raw.len() - raw.trim_start().len());
    let t = raw.trim();
    if t.is_empty() {
        return Err(format!(
            "* 1:{}: syntax error: an argument is missing",
            column(line, at)
        ));
    }
    let pid = |inner: &str| {
        pid_serial(inner)
            .map(pid_term)
            .map_err(|e| format!("* 1:{}: {e}", column(line, at)))
    };
    if t.starts_with('<') && !t.starts_with("<<") && t.ends_with('>') && t.len() >= 2 {
        return pid(&t[1..t.len() - 1]);
    }
    for f in ["list_to_pid(", "erlang:list_to_pid("] {
        if let Some(inner) = t.strip_prefix(f).and_then(|r| r.strip_suffix(')')) {
            let inner = inner.trim();
            return match inner.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
                Some(s) => pid(s),
                None => Err(format!(
                    "* 1:{}: list_to_pid takes a string like \"<0.84.0>\"",
                    column(line, at)
                )),
            };
        }
    }
    // whereis(demo) names the registered process, which commands take by its name
    for f in ["whereis(", "erlang:whereis("] {
        if let Some(inner) = t.strip_prefix(f).and_then(|r| r.strip_suffix(')')) {
            return match parse_term(inner.trim()) {
                Ok(name @ Term::Atom(_)) => Ok(name),
                _ => Err(format!(
                    "* 1:{}: whereis takes a registered name, like whereis(demo)",
                    column(line, at)
                )),
            };
        }
    }
    for f in ["pid(", "c:pid("] {
        if let Some(inner) = t.strip_prefix(f).and_then(|r| r.strip_suffix(')')) {
            let parts: Vec<&str> = inner.split(',').map(str::trim).collect();
            return pid(&parts.join("."));
        }
    }
    if let Some(v) = scope.vars.get(t) {
        return Ok(v.clone());
    }
    if let (Some(shell), "self()" | "erlang:self()") = (scope.shell, t) {
        return Ok(Term::Pid(shell));
    }
    if is_variable(t) {
        return Err(format!(
            "* 1:{}: variable '{t}' is unbound — write a pid as <0.84.0>, a name as demo, a path as \"demo/counter_1\". Type h for help.",
            column(line, at)
        ));
    }
    parse_term(t).map_err(|e| {
        let hint = if t.starts_with(':') || t.contains("%{") {
            " (that is Elixir syntax: in Erlang an atom has no colon — kill, not :kill)"
        } else {
            ""
        };
        format!(
            "* 1:{}: syntax error: {}{hint}",
            column(line, at + e.offset),
            e.message
        )
    })
}

/// Finds brackets, commas and `!` outside strings, quoted atoms and `$c` characters,
/// checking that brackets match. Returns them and where the line ends (a `%` comment
/// ends it early).
fn scan(src: &str) -> Result<(Vec<Mark>, usize), String> {
    let mut stack: Vec<(char, usize)> = Vec::new();
    let mut marks = Vec::new();
    let mut end = src.len();
    let mut it = src.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        match c {
            '"' | '\'' => {
                let mut closed = false;
                while let Some((_, d)) = it.next() {
                    if d == '\\' {
                        it.next();
                    } else if d == c {
                        closed = true;
                        break;
                    }
                }
                if !closed {
                    let what = if c == '"' { "string" } else { "quoted atom" };
                    return Err(format!(
                        "* 1:{}: unterminated {what}: missing {c}",
                        column(src, src.len())
                    ));
                }
            }
            '$' => {
                if let Some((_, '\\')) = it.next() {
                    it.next();
                }
            }
            '%' => {
                end = i;
                break;
            }
            '(' | '[' | '{' => {
                if c == '(' {
                    marks.push(Mark {
                        pos: i,
                        ch: c,
                        depth: stack.len(),
                    });
                }
                stack.push((c, i));
            }
            '<' if it.peek().is_some_and(|(_, d)| *d == '<') => {
                it.next();
                stack.push(('<', i));
            }
            '>' if it.peek().is_some_and(|(_, d)| *d == '>')
                && stack.last().is_some_and(|(o, _)| *o == '<') =>
            {
                it.next();
                stack.pop();
            }
            ')' | ']' | '}' => {
                let want = match c {
                    ')' => '(',
                    ']' => '[',
                    _ => '{',
                };
                match stack.pop() {
                    Some((o, _)) if o == want => {
                        if c == ')' {
                            marks.push(Mark {
                                pos: i,
                                ch: c,
                                depth: stack.len(),
                            });
                        }
                    }
                    Some((o, at)) => {
                        let o = if o == '<' {
                            "<<".to_string()
                        } else {
                            o.to_string()
                        };
                        return Err(format!(
                            "* 1:{}: syntax error before: '{c}' — the '{o}' at column {} is not closed",
                            column(src, i),
                            column(src, at)
                        ));
                    }
                    None => {
                        return Err(format!(
                            "* 1:{}: syntax error before: '{c}' (nothing to close)",
                            column(src, i)
                        ))
                    }
                }
            }
            ',' | '!' => marks.push(Mark {
                pos: i,
                ch: c,
                depth: stack.len(),
            }),
            _ => {}
        }
    }
    if let Some((o, at)) = stack.last() {
        let close = match o {
            '(' => ")",
            '[' => "]",
            '{' => "}",
            _ => ">>",
        };
        return Err(format!(
            "* 1:{}: syntax error: missing {close} (for the '{}' at column {})",
            column(src, end),
            if *o == '<' {
                "<<".to_string()
            } else {
                o.to_string()
            },
            column(src, *at)
        ));
    }
    Ok((marks, end))
}
