//! Code the first page does not need, loaded when it is first wanted. With the `split`
//! feature (the site's release build) each function here is a wasm-split point: its code,
//! and whatever only it reaches, ships in a chunk of its own that the page fetches the
//! first time the function runs (scripts/trunk-cargo/cargo splits the module). Without it
//! (native, tests, debug builds) it is a plain function behind the same `async` face.

use std::any::Any;

use crate::components::compare::CompareWire;
use crate::driver::LabHandle;
use otp_lab_session::share::ShareLink;

/// Declares `async fn $name(args) -> Result<T, Unavailable>`: split off with `split`.
macro_rules! lazy {
    ($(#[$m:meta])* $chunk:ident: fn $name:ident($($a:ident: $t:ty),*) -> $r:ty $body:block) => {
        $(#[$m])*
        #[cfg(feature = "split")]
        #[leptos::wasm_split::wasm_split($chunk, wasm_split_path = ::leptos::wasm_split, fallible)]
        pub fn $name($($a: $t),*) -> Result<$r, Unavailable> {
            Ok($body)
        }
        $(#[$m])*
        #[cfg(not(feature = "split"))]
        pub async fn $name($($a: $t),*) -> Result<$r, Unavailable> {
            Ok($body)
        }
    };
}

/// A chunk that could not be fetched (offline, or the site changed under the page).
#[derive(Debug)]
pub struct Unavailable;

#[cfg(feature = "split")]
impl From<leptos::wasm_split::SplitLoaderError> for Unavailable {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        Unavailable
    }
}

lazy! {
    /// Mounts the Lessons page into `parent`; dropping the handle unmounts it.
    lessons: fn mount_lessons(parent: web_sys::HtmlElement, shared: Option<ShareLink>) -> Box<dyn Any> {
        use crate::components::lessons::{Lessons, LessonsProps};
        Box::new(leptos::mount::mount_to(parent, move || {
            Lessons(LessonsProps { shared })
        }))
    }
}

lazy! {
    /// Mounts the Compare page into `parent` (its sandboxes take the Lab's tree and seed,
    /// fork the Lab's experiment, or come from a link: see [`CompareWire`]).
    compare: fn mount_compare(parent: web_sys::HtmlElement, lab: LabHandle, wire: CompareWire) -> Box<dyn Any> {
        use crate::components::compare::{Compare, CompareProps};
        Box::new(leptos::mount::mount_to(parent, move || Compare(CompareProps { lab, wire })))
    }
}

lazy! {
    /// Mounts the Lab's Analytics tab (the dashboard) into `parent`.
    analytics: fn mount_analytics(parent: web_sys::HtmlElement, lab: LabHandle) -> Box<dyn Any> {
        use crate::components::dashboard::{Dashboard, DashboardProps};
        Box::new(leptos::mount::mount_to(parent, move || Dashboard(DashboardProps { lab })))
    }
}

lazy! {
    /// Mounts the Lab's Faults tab (the fault-script editor) into `parent`.
    faults: fn mount_faults(parent: web_sys::HtmlElement, lab: LabHandle) -> Box<dyn Any> {
        use crate::components::faults::{FaultEditor, FaultEditorProps};
        Box::new(leptos::mount::mount_to(parent, move || FaultEditor(FaultEditorProps { lab })))
    }
}

lazy! {
    /// Answers one `window.otpLab` call ([`crate::driver::answers::answer`]).
    api: fn api_answer(id: u32, lab: LabHandle, name: String, args: String) -> Result<String, String> {
        crate::driver::answers::answer(id, lab, &name, &args)
    }
}

lazy! {
    /// The subscriptions' new events ([`crate::driver::answers::poll`]).
    api: fn api_poll(id: u32, lab: LabHandle) -> Vec<(String, String)> {
        crate::driver::answers::poll(id, lab)
    }
}
