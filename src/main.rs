//! Entry point of the web app: mounts [`otp_lab::app::App`] on the page body (except on
//! the benchmark page, which calls [`otp_lab::bench::run_bench`] itself).

fn main() {
    console_error_panic_hook::set_once();
    // bench.html loads the same module to call `run_bench`; it has no app to mount
    let on_bench_page = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("bench-output"))
        .is_some();
    if !on_bench_page {
        leptos::mount::mount_to_body(otp_lab::app::App);
    }
}
