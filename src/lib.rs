//! OTP Lab's web app: a thin Leptos shell around the `otp-lab-sim` simulator.
//!
//! This crate is the only code that touches web-sys / js-sys. Data flows one way: the
//! [`driver`] steps the simulator and projects it into the [`view_model`], which the
//! [`components`] render; components send commands back through the driver.

pub mod app;
pub mod bench;
pub mod components;
pub mod driver;
pub mod view_model;
