//! Browser smoke tests of the web app, run in headless Chromium by `wasm-bindgen-test-runner`
//! (`scripts/test.sh`). Each test mounts the app in its own container and drives it through
//! the DOM, as a person would; the logic itself is covered by native unit tests.
#![cfg(target_arch = "wasm32")]

use gloo_timers::future::TimeoutFuture;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

fn mount_app() -> Element {
    let document = web_sys::window()
        .expect("window")
        .document()
        .expect("document");
    // a fresh lab: not the experiment another test left in the address bar
    let window = web_sys::window().expect("window");
    let path = window.location().pathname().expect("path");
    window
        .history()
        .expect("history")
        .replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&path))
        .expect("replaceState");
    let container = document.create_element("div").expect("div");
    document
        .body()
        .expect("body")
        .append_child(&container)
        .expect("append");
    leptos::mount::mount_to(container.clone().unchecked_into(), otp_lab::app::App).forget();
    container
}

fn all(root: &Element, selector: &str) -> Vec<Element> {
    let list = root.query_selector_all(selector).expect("valid selector");
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<Element>().ok())
        .collect()
}

fn text(root: &Element, selector: &str) -> String {
    root.query_selector(selector)
        .expect("valid selector")
        .and_then(|e| e.text_content())
        .unwrap_or_default()
}

/// Waits (in 50 ms steps, up to 3 s) until `ready` holds.
async fn wait_until(mut ready: impl FnMut() -> bool) -> bool {
    for _ in 0..60 {
        if ready() {
            return true;
        }
        TimeoutFuture::new(50).await;
    }
    ready()
}

/// Clicks an element (SVG elements have no `click()`: dispatch the event).
fn click(el: &Element) {
    let ev = web_sys::MouseEvent::new("click").expect("event");
    let init = web_sys::MouseEventInit::new();
    init.set_bubbles(true);
    let ev = web_sys::MouseEvent::new_with_mouse_event_init_dict("click", &init).unwrap_or(ev);
    el.dispatch_event(&ev).expect("dispatch");
}

fn button(root: &Element, name: &str) -> Option<HtmlElement> {
    all(root, "button")
        .into_iter()
        .find(|b| b.text_content().as_deref().map(str::trim) == Some(name))
        .map(|b| b.unchecked_into())
}

#[wasm_bindgen_test]
async fn renders_the_demo_tree_and_log() {
    let app = mount_app();
    assert!(
        wait_until(|| all(&app, "[role=treeitem]").len() == 4).await,
        "four tree items"
    );
    assert_eq!(all(&app, "[role=tree]").len(), 1);
    let items = all(&app, "[role=treeitem]");
    assert_eq!(items[0].get_attribute("aria-level").as_deref(), Some("1"));
    assert!(items.iter().all(|i| i.get_attribute("data-path").is_some()));
    assert!(
        wait_until(|| !all(&app, "[role=log] li").is_empty()).await,
        "log lines"
    );
}

#[wasm_bindgen_test]
async fn kill_from_the_inspector_restarts_the_worker() {
    let app = mount_app();
    assert!(wait_until(|| all(&app, "[role=treeitem]").len() == 4).await);
    let path = "demo/counter_1";
    let sel = format!("[role=treeitem][data-path=\"{path}\"]");
    let item = app.query_selector(&sel).unwrap().expect("the worker");
    let pid_before = text(&app, &format!("{sel} [data-field=pid]"));
    click(&item);
    assert!(
        wait_until(|| text(&app, ".inspector [data-field=pid]") == pid_before).await,
        "the inspector shows the worker"
    );
    assert!(button(&app, "Kill").is_some(), "the inspector offers Kill");
    assert_eq!(item.get_attribute("aria-selected").as_deref(), Some("true"));
    button(&app, "Kill").expect("Kill").click();
    let restarted = wait_until(|| {
        let restarts: u64 = text(&app, &format!("{sel} [data-field=restarts]"))
            .parse()
            .unwrap_or(0);
        let pid = text(&app, &format!("{sel} [data-field=pid]"));
        let status = text(&app, &format!("{sel} [data-field=status]"));
        restarts == 1 && pid != pid_before && status.contains("running")
    })
    .await;
    assert!(restarted, "{path} restarted with a new pid");
}

/// Determinism across targets: the presets' event-log hashes under seeded chaos, computed
/// here in wasm, equal the ones recorded natively (crates/sim/tests/fingerprints.rs).
#[wasm_bindgen_test]
fn wasm_runs_match_the_native_fingerprints() {
    let want = include_str!("../crates/lab/tests/fingerprints.txt");
    let got = otp_lab_lab::fingerprint::fingerprint_text();
    assert_eq!(got, want);
    assert!(got.lines().count() >= 15);
}

/// `window.otpLab.<call>(args)`, awaited: the answer, or the rejection's message.
async fn otp_lab(call: &str, args: &str) -> Result<wasm_bindgen::JsValue, String> {
    use wasm_bindgen::JsValue;
    let window = web_sys::window().expect("window");
    let api = js_sys::Reflect::get(&window, &JsValue::from_str("otpLab")).expect("otpLab");
    let method = js_sys::Reflect::get(&api, &JsValue::from_str(call)).unwrap_or(JsValue::UNDEFINED);
    let Some(method) = method.dyn_ref::<js_sys::Function>() else {
        // an unknown name is no method: ask through one that exists, as a page's typo would
        return Err(format!("otpLab.{call} is not a function"));
    };
    let args = js_sys::JSON::parse(args).expect("JSON args");
    let promise: js_sys::Promise = method
        .call1(&JsValue::NULL, &args)
        .expect("calls return a promise")
        .dyn_into()
        .expect("a promise");
    wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .map_err(|e| {
            let e: js_sys::Error = e.dyn_into().expect("rejects with an Error");
            String::from(e.message())
        })
}

/// The in-page API: every call answers on the demo tree, each listed mistake rejects with
/// an `Error` naming the call and the argument (tests/api/calls.json), and a subscription
/// hears a restart and stops when unsubscribed.
#[wasm_bindgen_test]
async fn window_otp_lab_answers_every_call() {
    use leptos::serde_json::Value;
    let app = mount_app();
    assert!(wait_until(|| all(&app, "[role=treeitem]").len() == 4).await);
    let fixture: Value = leptos::serde_json::from_str(include_str!("api/calls.json")).unwrap();
    for c in fixture["calls"].as_array().unwrap() {
        let call = c[0].as_str().unwrap();
        let answer = otp_lab(call, &c[1].to_string()).await;
        assert!(answer.is_ok(), "{call}({}): {answer:?}", c[1]);
    }
    for m in fixture["mistakes"].as_array().unwrap() {
        let (call, piece) = (m[0].as_str().unwrap(), m[2].as_str().unwrap());
        if call == "nosuch" {
            continue;
        }
        match otp_lab(call, &m[1].to_string()).await {
            Ok(v) => panic!("{call}({}) answered {v:?}", m[1]),
            Err(e) => assert!(
                e.starts_with(&format!("otpLab.{call}")) && e.contains(piece),
                "{call}: {e}"
            ),
        }
    }

    // a subscription: restarts heard after a kill, none after unsubscribing
    let heard = std::rc::Rc::new(std::cell::RefCell::new(Vec::<String>::new()));
    let h = heard.clone();
    let handler = wasm_bindgen::closure::Closure::<dyn Fn(wasm_bindgen::JsValue)>::new(
        move |ev: wasm_bindgen::JsValue| {
            let text = js_sys::JSON::stringify(&ev)
                .map(String::from)
                .unwrap_or_default();
            h.borrow_mut().push(text);
        },
    );
    let window = web_sys::window().unwrap();
    let api = js_sys::Reflect::get(&window, &"otpLab".into()).unwrap();
    let on: js_sys::Function = js_sys::Reflect::get(&api, &"on".into())
        .unwrap()
        .dyn_into()
        .unwrap();
    let bad = on.call2(&api, &"nope".into(), handler.as_ref());
    let bad: js_sys::Error = bad.expect_err("an unknown kind throws").dyn_into().unwrap();
    assert!(String::from(bad.message()).contains("argument \"kind\""));
    let off: js_sys::Function = on
        .call2(&api, &"restart".into(), handler.as_ref())
        .expect("on answers")
        .dyn_into()
        .expect("the unsubscribe function");
    otp_lab("kill", r#"{"pid":"demo/counter_1"}"#)
        .await
        .unwrap();
    assert!(
        wait_until(|| heard
            .borrow()
            .iter()
            .any(|e| e.contains("\"child\":\"demo/counter_1\"")))
        .await,
        "the restart is heard: {:?}",
        heard.borrow()
    );
    off.call0(&wasm_bindgen::JsValue::NULL).unwrap();
    let before = heard.borrow().len();
    otp_lab("kill", r#"{"pid":"demo/counter_2"}"#)
        .await
        .unwrap();
    otp_lab("run", r#"{"ms":100}"#).await.unwrap();
    TimeoutFuture::new(300).await;
    assert_eq!(heard.borrow().len(), before, "nothing after unsubscribing");
}

/// The fault editor shows the fault script of the tree on screen: another preset brings
/// its own rows (the storm's one kill every 300 ms, the demo's none).
#[wasm_bindgen_test]
async fn the_fault_editor_follows_the_preset() {
    let app = mount_app();
    assert!(wait_until(|| all(&app, "[role=treeitem]").len() == 4).await);
    // the editor is mounted when its tab is first opened
    let tab = app
        .query_selector("#tab-faults")
        .unwrap()
        .expect("the Faults tab");
    click(&tab);
    assert!(wait_until(|| !all(&app, ".fault-table").is_empty()).await);
    let rows = || all(&app, ".fault-table tbody tr:not(.fault-mistakes)").len();
    assert_eq!(rows(), 0, "the demo has no fault script");
    let preset: web_sys::HtmlSelectElement = app
        .query_selector("select[aria-label=Preset]")
        .unwrap()
        .expect("the preset choice")
        .unchecked_into();
    for (p, want) in [("restart_storm", 1), ("demo", 0), ("restart_storm", 1)] {
        preset.set_value(p);
        preset
            .dispatch_event(&web_sys::Event::new("change").unwrap())
            .unwrap();
        assert!(wait_until(|| rows() == want).await, "{p}: {} rows", rows());
    }
}
