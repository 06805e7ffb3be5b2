//! Fuzzes the share-link decoder: any fragment decodes or gives a sentence, never a
//! panic; a decoded link encodes and decodes back to itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use otp_lab_session::share::{decode, encode};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for fragment in [text.to_string(), format!("v1.{text}")] {
        if let Ok(link) = decode(&fragment) {
            let again = decode(&encode(&link)).expect("an encoded link decodes");
            assert_eq!(again, link);
        }
    }
});
