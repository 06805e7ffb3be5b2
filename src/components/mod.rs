//! UI components, one per file. Each renders the driver's signals and sends commands
//! back through the [`crate::driver::LabHandle`]; none of them knows about the simulator.

pub mod compare;
pub mod console;
pub mod controls;
pub mod dashboard;
pub mod event_log;
pub mod faults;
pub mod graph;
pub mod inspector;
pub mod lessons;
pub mod sequence;
pub mod timeline;
pub mod tree;

/// Sets an element's inner HTML when it differs from what was set last (views drawn as
/// HTML text: the sequence chart, the graph).
pub(crate) fn set_html(el: Option<web_sys::HtmlDivElement>, last: &mut String, html: String) {
    if let Some(el) = el {
        if *last != html {
            el.set_inner_html(&html);
            *last = html;
        }
    }
}
