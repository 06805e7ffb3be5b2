//! Share links compressed by the browser's own `CompressionStream` (raw DEFLATE), so the
//! site's module carries no compressor of its own; where a browser has none, the link is
//! written with stored blocks (longer, and every reader opens it).

use otp_lab_session::share::{self, ShareLink};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = CompressionStream)]
    type Compressor;
    #[wasm_bindgen(constructor, js_class = "CompressionStream", catch)]
    fn new(format: &str) -> Result<Compressor, JsValue>;
}

/// The fragment (without `#`) for a link.
pub async fn fragment(link: &ShareLink) -> String {
    let bytes = share::payload(link);
    let packed = match deflate(&bytes).await {
        Ok(p) => p,
        Err(_) => share::stored(&bytes),
    };
    share::wrap(&packed)
}

async fn deflate(bytes: &[u8]) -> Result<Vec<u8>, JsValue> {
    let c = Compressor::new("deflate-raw")?;
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let blob = web_sys::Blob::new_with_u8_array_sequence(&parts)?;
    let stream = blob.stream().pipe_through(c.unchecked_ref());
    let response = web_sys::Response::new_with_opt_readable_stream(Some(&stream))?;
    let buf = JsFuture::from(response.array_buffer()?).await?;
    Ok(js_sys::Uint8Array::new(&buf).to_vec())
}
