//! `window.otpLab`: the Lab as a platform. Every call of [`otp_lab_session::api::CALLS`]
//! is a method taking one plain JSON object (`await otpLab.kill({pid: "demo/counter_1"})`)
//! and resolving to plain JSON, or rejecting with an `Error` whose message names the call
//! and the argument; `on(kind, handler)` subscribes to events and returns the unsubscribe
//! function; `link()` resolves to the share link. An embedded Lab (`#embed.…`) answers the
//! same calls through `postMessage`.
//!
//! The page holds only this front: the answers come from the native
//! [`otp_lab_session::api::Api`] on the page's own session, in code fetched with the
//! first call ([`crate::lazy::api_answer`], [`crate::lazy::api_poll`], which run
//! [`super::answers`]). Actions show in the console's transcript.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use js_sys::{Array, Function, Object, Reflect, JSON};
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::{animation_loop, LabHandle};
use crate::lazy;
use otp_lab_session::api::{feed::KINDS, CALLS};

/// Largest arguments a call takes (JSON text, bytes).
pub const MAX_ARGS: usize = 64 * 1024;

/// Who hears one kind of event: a function of this page, or a window that asked through
/// `postMessage` (with its origin).
#[derive(Clone)]
enum Handler {
    Function(Function),
    Post(JsValue, String),
}

/// One `window.otpLab`: its lab and who listens. (A test page mounts several labs; each
/// install answers for its own.)
struct Front {
    id: u32,
    lab: LabHandle,
    /// (id, kind, handler).
    handlers: RefCell<Vec<(u32, String, Handler)>>,
    next: Cell<u32>,
    /// A poll is under way (the feed's code may still be loading).
    polling: Cell<bool>,
}

type Shared = Rc<Front>;

thread_local! {
    static INSTALLS: Cell<u32> = const { Cell::new(0) };
}

/// Installs `window.otpLab` for `lab`, and (embedded) the `postMessage` listener.
pub fn install(lab: LabHandle) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let id = INSTALLS.get() + 1;
    INSTALLS.set(id);
    let front: Shared = Rc::new(Front {
        id,
        lab,
        handlers: RefCell::default(),
        next: Cell::new(0),
        polling: Cell::new(false),
    });
    // the feed's events to their handlers each frame, while the lab's owner lives
    let stopped = Arc::new(AtomicBool::new(false));
    let flag = stopped.clone();
    on_cleanup(move || flag.store(true, Ordering::Relaxed));
    let f = front.clone();
    animation_loop(move |_| {
        if stopped.load(Ordering::Relaxed) {
            return false;
        }
        tick(&f);
        true
    });
    let api = Object::new();
    let f = front.clone();
    let call = Closure::<dyn Fn(JsValue, JsValue) -> js_sys::Promise>::new(
        move |name: JsValue, args: JsValue| {
            let name = name.as_string().unwrap_or_default();
            let args = js_args(&name, &args).map_err(|e| js_error(&e));
            let id = f.id;
            wasm_bindgen_futures::future_to_promise(async move {
                let json = run(id, lab, name, args?).await.map_err(|e| js_error(&e))?;
                JSON::parse(&json)
            })
        },
    );
    let call: Function = call.into_js_value().unchecked_into();
    for name in CALLS {
        set(
            &api,
            name,
            &call.bind1(&JsValue::NULL, &JsValue::from_str(name)),
        );
    }
    let f = front.clone();
    let on = Closure::<dyn Fn(JsValue, JsValue) -> Result<JsValue, JsValue>>::new(
        move |kind: JsValue, handler: JsValue| {
            let kind = kind.as_string().unwrap_or_default();
            let handler = handler
                .dyn_into::<Function>()
                .map_err(|_| js_error("on: argument \"handler\" must be a function"))?;
            let id = subscribe(&f, &kind, Handler::Function(handler)).map_err(|e| js_error(&e))?;
            let f = f.clone();
            Ok(Closure::<dyn Fn()>::new(move || unsubscribe(&f, id)).into_js_value())
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
        listen(front);
    }
}

fn set(o: &JsValue, key: &str, v: &JsValue) {
    let _ = Reflect::set(o, &JsValue::from_str(key), v);
}

fn js_error(message: &str) -> JsValue {
    js_sys::Error::new(&format!("otpLab.{message}")).into()
}

/// A call's arguments as JSON text (`null` for none), or what is wrong with them.
fn js_args(name: &str, args: &JsValue) -> Result<String, String> {
    if args.is_undefined() || args.is_null() {
        return Ok("null".into());
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
    Ok(text)
}

/// Runs one call (its code fetched the first time).
async fn run(id: u32, lab: LabHandle, name: String, args: String) -> Result<String, String> {
    let unavailable = format!("{name}: the API's code could not be loaded (is the network down?)");
    lazy::api_answer(id, lab, name, args)
        .await
        .map_err(|_| unavailable)?
}

/// Registers a handler for `kind`.
fn subscribe(f: &Shared, kind: &str, h: Handler) -> Result<u32, String> {
    if !KINDS.contains(&kind) {
        return Err(format!(
            "on: argument \"kind\" must be one of {}, not \"{}\"",
            KINDS.join(", "),
            kind.chars().take(60).collect::<String>()
        ));
    }
    let id = f.next.get() + 1;
    f.next.set(id);
    f.handlers.borrow_mut().push((id, kind.to_string(), h));
    // the feed starts counting now, not at the next frame
    tick(f);
    Ok(id)
}

fn unsubscribe(f: &Shared, id: u32) {
    f.handlers.borrow_mut().retain(|h| h.0 != id);
}

/// The feed's new events to their handlers, while anyone listens.
fn tick(f: &Shared) {
    if f.polling.get() || f.handlers.borrow().is_empty() {
        return;
    }
    f.polling.set(true);
    let f = f.clone();
    leptos::task::spawn_local(async move {
        let events = lazy::api_poll(f.id, f.lab).await.unwrap_or_default();
        f.polling.set(false);
        for (kind, text) in events {
            let Ok(js) = JSON::parse(&text) else {
                continue;
            };
            // handlers may unsubscribe (or subscribe) while called
            let targets: Vec<Handler> = f
                .handlers
                .borrow()
                .iter()
                .filter(|h| h.1 == kind)
                .map(|h| h.2.clone())
                .collect();
            for h in targets {
                match h {
                    Handler::Function(func) => {
                        let _ = func.call1(&JsValue::NULL, &js);
                    }
                    Handler::Post(to, origin) => post(&to, &origin, &envelope("event", &js, None)),
                }
            }
        }
    });
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
fn listen(front: Shared) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let f = Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
        let data = ev.data();
        if !data.is_object() {
            return;
        }
        let Ok(req) = Reflect::get(&data, &JsValue::from_str("otpLab")) else {
            return;
        };
        if req.is_undefined() {
            return;
        }
        let Some(source) = ev.source().map(JsValue::from) else {
            return;
        };
        let origin = ev.origin();
        let origin = if origin.is_empty() || origin == "null" {
            "*".to_string()
        } else {
            origin
        };
        let id = Reflect::get(&req, &JsValue::from_str("id")).unwrap_or(JsValue::NULL);
        let front = front.clone();
        leptos::task::spawn_local(async move {
            let reply = match message_call(&front, &req, &source, &origin).await {
                Ok(v) => envelope("result", &v, Some(&id)),
                Err(e) => envelope(
                    "error",
                    &JsValue::from_str(&format!("otpLab.{e}")),
                    Some(&id),
                ),
            };
            post(&source, &origin, &reply);
        });
    });
    let _ = window.add_event_listener_with_callback("message", f.as_ref().unchecked_ref());
    f.forget();
}

/// One `postMessage` request.
async fn message_call(
    f: &Shared,
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
    let args = field("args");
    match name.as_str() {
        "on" | "off" => {
            let kind = Reflect::get(&args, &JsValue::from_str("kind"))
                .ok()
                .and_then(|k| k.as_string())
                .unwrap_or_default();
            if name == "on" {
                subscribe(f, &kind, Handler::Post(source.clone(), origin.to_string()))?;
            } else {
                f.handlers.borrow_mut().retain(|(_, k, h)| {
                    !(k == &kind && matches!(h, Handler::Post(s, _) if s == source))
                });
            }
            Ok(JsValue::from_str("ok"))
        }
        _ => {
            let text = js_args(&name, &args)?;
            let json = run(f.id, f.lab, name.clone(), text).await?;
            JSON::parse(&json).map_err(|_| format!("{name}: the answer is not JSON"))
        }
    }
}
