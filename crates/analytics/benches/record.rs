//! Criterion benchmarks of the analytics hot paths: recording a metric sample, and the
//! whole server handling a simulator event (what every event costs with analytics on).

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use otp_lab_analytics::metrics::{Kind, Metrics, Retention};
use otp_lab_analytics::server::{Server, Settings};
use otp_lab_sim::event::{Event, EventKind};
use otp_lab_sim::{Pid, Term};

fn record(c: &mut Criterion) {
    let mut m = Metrics::new(Retention::default());
    let counter = m.register("restarts", Kind::Counter);
    let hist = m.register("recovery_time_us", Kind::Histogram);
    let mut t = 0u64;
    c.bench_function("metrics.record counter", |b| {
        b.iter(|| {
            t += 1;
            m.record(black_box(counter), t, 1.0)
        })
    });
    c.bench_function("metrics.record histogram", |b| {
        b.iter(|| {
            t += 1;
            m.record(black_box(hist), t, (t % 1000) as f64)
        })
    });
    let mut s = Server::new(Settings::default());
    let term = Term::OK;
    c.bench_function("server.on_event send", |b| {
        b.iter(|| {
            t += 1;
            let e = Event {
                seq: t,
                time: t,
                kind: EventKind::Send,
                pid: Pid::NONE,
                other: Pid::NONE,
                info: 10,
                term: &term,
                path: 0,
                aux: 0,
            };
            s.on_event(black_box(&e))
        })
    });
}

criterion_group!(benches, record);
criterion_main!(benches);
