//! OTP Lab's web app: a thin Leptos shell around a learner's session (`otp-lab-session`)
//! of the lab (`otp-lab-lab`), with its guided lessons (`otp-lab-lessons`).
//!
//! This crate is the only code that touches web-sys / js-sys. Data flows one way: the
//! [`driver`] runs the session frame by frame and publishes the [`view_model`]'s
//! projections of it, which the [`components`] render; components send commands back
//! through the driver. Only the [`bench`] page runs the simulator (`otp-lab-sim`) directly.

pub mod app;
pub mod bench;
pub mod components;
pub mod driver;
pub mod lazy;
pub mod view_model;
