//! Entry point of the web app: mounts [`otp_lab::app::App`] on the page body.

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(otp_lab::app::App);
}
