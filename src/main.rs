//! Entry point of the web app: mounts [`otp_lab::app::App`] on the page body (except on
//! the benchmark page, which calls [`otp_lab::bench::run_bench`] itself).

fn main() {
    // a panic's message in the console (the module then stops: panic = abort)
    std::panic::set_hook(Box::new(|info| {
        web_sys::console::error_1(&info.to_string().into());
    }));
    // bench.html loads the same module to call `run_bench`; it has no app to mount
    let on_bench_page = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("bench-output"))
        .is_some();
    if !on_bench_page {
        leptos::mount::mount_to_body(otp_lab::app::App);
    }
}
