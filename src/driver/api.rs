//! `window.otpLab`: the Lab as a platform. Every call of [`otp_lab_session::api::CALLS`]
//! is a method taking one plain JSON object (`otpLab.kill({pid: "demo/counter_1"})`) and
//! answering plain JSON, or throwing an `Error` whose message names the call and the
//! argument; `on(kind, handler)` subscribes to events and returns the unsubscribe
//! function; `link()` resolves to the share link. The answers come from the native
//! [`Api`], on the page's own session; actions show in the console's transcript. An
//! embedded Lab (`#embed.…`) answers the same calls through `postMessage`.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Array, Function, Object, Reflect, JSON};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::LabHandle;
use otp_lab_session::api::{feed::KINDS, Answer, Api, Effect, CALLS};
use leptos::prelude::*;
use leptos::serde_json::{self, Value};

/// Largest arguments a call takes (JSON text, bytes).
pub const MAX_ARGS: usize = 64 * 1024;

/// The page's API state: the native API and the subscribers.
#[derive(Default)]
struct State {
    api: Api,
    /// (id, kind, handler); handlers of `postMessage` subscribers post to their window.
    handlers: Vec<(u32, String, Handler)>,
    next: u32,
    polling: bool,
}

#[derive(Clone)]
enum Handler {
    Function(Function),
    /// A window that asked through `postMessage`, and its origin.
    Post(JsValue, String),
}

type Shared = Rc<RefCell<State>>;

thread_local! {
    /// The feed's poll, run by the page's frame loop while anyone listens.
    static POLL: RefCell<Option<Box<dyn Fn() -> bool>>> = const { RefCell::new(None) };
}

/// One animation frame: passes the feed's new events on (the frame loop calls it).
pub(super) fn on_frame() {
    let done = POLL.with(|p| p.borrow().as_ref().is_some_and(|f| !f()));
    if done {
        POLL.with(|p| p.borrow_mut().take());
    }
}

/// Installs `window.otpLab` for `lab`, and (embedded) the `postMessage` listener.
pub fn install(lab: LabHandle) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let state: Shared = Rc::default();
    let api = Object::new();
    let st = state.clone();
    let call = Closure::<dyn Fn(JsValue, JsValue) -> Result<JsValue, JsValue>>::new(
        move |name: JsValue, args: JsValue| {
            let name = name.as_string().unwrap_or_default();
            let args = js_args(&name, &args).map_err(js_error)?;
            run(lab, &st, &name, &args).map_err(js_error)
        },
    );
    let call: Function = call.into_js_value().unchecked_into();
    for name in CALLS {
        set(&api, name, &call.bind1(&JsValue::NULL, &JsValue::from_str(name)));
    }
    let st = state.clone();
    let on = Closure::<dyn Fn(JsValue, JsValue) -> Result<JsValue, JsValue>>::new(
        move |kind: JsValue, handler: JsValue| {
            let kind = kind.as_string().unwrap_or_default();
            let handler = handler
                .dyn_into::<Function>()
                .map_err(|_| js_error("on: the handler must be a function".into()))?;
            let id = subscribe(lab, &st, &kind, Handler::Function(handler)).map_err(js_error)?;
            let st = st.clone();
            Ok(Closure::<dyn Fn()>::new(move || unsubscribe(&st, id)).into_js_value())
        },
    );
    set(&api, "on", &on.into_js_value());
    let link = Closure::<dyn Fn() -> js_sys::Promise>::new(move || {
        wasm_bindgen_futures::future_to_promise(async move {
            Ok(JsValue::from_str(&lab.share_url(false).await))
        })
    });
    set(&api, "link", &link.into_js_value());
    let names = Array::new();
    for name in CALLS {
        names.push(&JsValue::from_str(name));
    }
    set(&api, "calls", &names);
    set(&window, "otpLab", &api);
    if lab.embed.get_untracked() {
        listen(lab, state);
    }
}

fn set(o: &JsValue, key: &str, v: &JsValue) {
    let _ = Reflect::set(o, &JsValue::from_str(key), v);
}

fn js_error(message: String) -> JsValue {
    js_sys::Error::new(&format!("otpLab.{message}")).into()
}

/// A call's arguments as JSON: an object, or nothing.
fn js_args(name: &str, args: &JsValue) -> Result<Value, String> {
    if args.is_undefined() || args.is_null() {
        return Ok(Value::Null);
    }
    let text = JSON::stringify(args)
        .ok()
        .and_then(|t| t.as_string())
        .ok_or_else(|| format!("{name}: the arguments are not plain JSON"))?;
    if text.len() > MAX_ARGS {
        return Err(format!(
            "{name}: the arguments are {} bytes of JSON; at most {MAX_ARGS}",
            text.len()
        ));
    }
    serde_json::from_str(&text).map_err(|e| format!("{name}: the arguments are not plain JSON ({e})"))
}

/// Runs one call on the page's lab and shows what it did.
fn run(lab: LabHandle, st: &Shared, name: &str, args: &Value) -> Result<JsValue, String> {
    let answer = lab.session.try_update_value(|s| st.borrow_mut().api.call(s, name, args));
    let Some(Answer { result, effect }) = answer else {
        return Err(format!("{name}: the Lab is gone"));
    };
    match effect {
        Effect::None => {}
        Effect::Line(line, output) => lab.transcript(line, output, result.is_ok()),
        Effect::Moved => {
            lab.frame_state.update_value(|f| f.last_ms = None);
            lab.publish(true);
        }
        Effect::Reloaded => lab.after_reset(Some(Ok(()))),
    }
    JSON::parse(&result?).map_err(|_| format!("{name}: the answer is not JSON"))
}

/// Registers a handler for `kind`; starts polling the feed.
fn subscribe(lab: LabHandle, st: &Shared, kind: &str, h: Handler) -> Result<u32, String> {
    if !KINDS.contains(&kind) {
        return Err(format!(
            "on: argument \"kind\" must be one of {}, not \"{}\"",
            KINDS.join(", "),
            kind.chars().take(60).collect::<String>()
        ));
    }
    let mut s = st.borrow_mut();
    s.next += 1;
    let id = s.next;
    s.handlers.push((id, kind.to_string(), h));
    if !s.polling {
        s.polling = true;
        let st = st.clone();
        POLL.with(|p| *p.borrow_mut() = Some(Box::new(move || poll(lab, &st))));
    }
    Ok(id)
}

fn unsubscribe(st: &Shared, id: u32) {
    st.borrow_mut().handlers.retain(|h| h.0 != id);
}

/// One frame: the feed's new events to their handlers; false (stop) once none is left.
fn poll(lab: LabHandle, st: &Shared) -> bool {
    let events = {
        let mut s = st.borrow_mut();
        if s.handlers.is_empty() {
            s.polling = false;
            return false;
        }
        lab.session.try_with_value(|session| s.api.feed.poll(session)).unwrap_or_default()
    };
    for (kind, text) in events {
        let Ok(js) = JSON::parse(&text) else {
            continue;
        };
        // handlers may unsubscribe (or subscribe) while called
        let targets: Vec<Handler> = st
            .borrow()
            .handlers
            .iter()
            .filter(|h| h.1 == kind)
            .map(|h| h.2.clone())
            .collect();
        for h in targets {
            match h {
                Handler::Function(f) => {
                    let _ = f.call1(&JsValue::NULL, &js);
                }
                Handler::Post(to, origin) => post(&to, &origin, &envelope("event", &js, None)),
            }
        }
    }
    true
}

/// `{otpLab: {id, <key>: value}}`.
fn envelope(key: &str, value: &JsValue, id: Option<&JsValue>) -> JsValue {
    let inner = Object::new();
    if let Some(id) = id {
        set(&inner, "id", id);
    }
    set(&inner, key, value);
    let outer = Object::new();
    set(&outer, "otpLab", &inner);
    outer.into()
}

fn post(to: &JsValue, origin: &str, msg: &JsValue) {
    let post = Reflect::get(to, &JsValue::from_str("postMessage"))
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok());
    if let Some(f) = post {
        let _ = f.call2(to, msg, &JsValue::from_str(origin));
    }
}

/// Answers `{otpLab: {id, call, args}}` messages from other windows (the page that embeds
/// this Lab): `{otpLab: {id, result}}` or `{otpLab: {id, error}}` back to the sender's
/// origin; `call: "on"` with `args: {kind}` posts `{otpLab: {event}}` for each event, and
/// `"off"` stops them. Messages without an `otpLab` field are not for us.
fn listen(lab: LabHandle, state: Shared) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let f = Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
        let data = ev.data();
        let Ok(req) = Reflect::get(&data, &JsValue::from_str("otpLab")) else {
            return;
        };
        if req.is_undefined() || !data.is_object() {
            return;
        }
        let Some(source) = ev.source().map(JsValue::from) else {
            return;
        };
        let origin = ev.origin();
        let origin = if origin.is_empty() || origin == "null" { "*".to_string() } else { origin };
        let id = Reflect::get(&req, &JsValue::from_str("id")).unwrap_or(JsValue::NULL);
        let reply = match message_call(lab, &state, &req, &source, &origin) {
            Ok(v) => envelope("result", &v, Some(&id)),
            Err(e) => envelope("error", &JsValue::from_str(&format!("otpLab.{e}")), Some(&id)),
        };
        post(&source, &origin, &reply);
    });
    let _ = window.add_event_listener_with_callback("message", f.as_ref().unchecked_ref());
    f.forget();
}

/// One `postMessage` request.
fn message_call(
    lab: LabHandle,
    st: &Shared,
    req: &JsValue,
    source: &JsValue,
    origin: &str,
) -> Result<JsValue, String> {
    if !req.is_object() {
        return Err("postMessage: expected {otpLab: {id, call, args}}".into());
    }
    let field = |k: &str| Reflect::get(req, &JsValue::from_str(k)).unwrap_or(JsValue::UNDEFINED);
    let Some(name) = field("call").as_string() else {
        return Err("postMessage: \"call\" must name a call, like \"kill\"".into());
    };
    let name: String = name.chars().take(100).collect();
    let args = js_args(&name, &field("args"))?;
    match name.as_str() {
        "on" | "off" => {
            let kind = args.get("kind").and_then(Value::as_str).unwrap_or_default().to_string();
            if name == "on" {
                subscribe(lab, st, &kind, Handler::Post(source.clone(), origin.to_string()))?;
            } else {
                st.borrow_mut().handlers.retain(|(_, k, h)| {
                    !(k == &kind && matches!(h, Handler::Post(s, _) if s == source))
                });
            }
            Ok(JsValue::from_str("ok"))
        }
        _ => run(lab, st, &name, &args),
    }
}
