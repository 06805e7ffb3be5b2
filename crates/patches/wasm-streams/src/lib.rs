//! A stand-in for `wasm-streams` 0.5, patched in by the workspace (`[patch.crates-io]`).
//!
//! Its only user is Leptos's `server_fn` (a hard dependency of `leptos` with its browser
//! client on), which streams request and response bodies of server functions through it.
//! OTP Lab has no server and calls no server function, yet the real crate exports three
//! JavaScript classes (`IntoUnderlyingSource`, `…ByteSource`, `…Sink`) that every build
//! would ship, with their code. Here are the four calls `server_fn` makes, honest about
//! what they cannot do: a Rust stream is not turned into a JavaScript one (the request
//! gets an empty body stream that errors), and a JavaScript stream read from Rust yields
//! one error. Nothing in OTP Lab reaches them.

use futures_util::stream::{self, Stream};
use wasm_bindgen::JsValue;

/// A JavaScript `ReadableStream`.
pub struct ReadableStream {
    raw: web_sys::ReadableStream,
}

/// What this stand-in says when a stream is asked of it.
const UNSUPPORTED: &str = "streaming bodies are not supported in this build (no server functions)";

impl ReadableStream {
    /// Wraps a JavaScript stream.
    pub fn from_raw(raw: web_sys::ReadableStream) -> Self {
        Self { raw }
    }

    /// A stream that errors at once (a Rust stream is not carried over).
    pub fn from_stream<St>(_stream: St) -> Self
    where
        St: Stream<Item = Result<JsValue, JsValue>> + 'static,
    {
        let raw = web_sys::ReadableStream::new().expect("ReadableStream exists");
        let _ = raw.cancel_with_reason(&JsValue::from_str(UNSUPPORTED));
        Self { raw }
    }

    /// The JavaScript stream.
    pub fn into_raw(self) -> web_sys::ReadableStream {
        self.raw
    }

    /// One error (the JavaScript stream is not read).
    pub fn into_stream(self) -> impl Stream<Item = Result<JsValue, JsValue>> + Unpin {
        stream::iter([Err(JsValue::from_str(UNSUPPORTED))])
    }
}
