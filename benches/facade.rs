//! The facade against raw reqwest, for the same four requests against the same in-process server:
//! criterion groups first, then a table of facade/raw ratios (wall time and client CPU per call).
//!
//! ```sh
//! cargo bench --bench facade                  # everything (about 2 minutes)
//! cargo bench --bench facade -- balance       # criterion groups matching "balance", then the table
//! VONAGE_BENCH_TABLE=0 cargo bench --bench facade   # criterion only
//! VONAGE_BENCH_CALLS=4000 cargo bench --bench facade  # calls per round in the table (default 2000)
//! VONAGE_BENCH_ROUNDS=16 cargo bench --bench facade   # rounds per row in the table (default 8)
//! cargo bench --bench facade -- table-only            # no criterion group matches: the table only
//! ```
//!
//! The client runs on a current-thread runtime on the main thread and the server on a runtime of
//! its own, so the main thread's CPU time (`getrusage(RUSAGE_THREAD)`) is the client's alone.

mod common;

use std::{sync::Arc, time::Duration, time::Instant};

use common::{Op, Raw, Server};
use criterion::{Criterion, Throughput};
use vonage_account::Client;

/// Concurrent calls in the "in flight" mode.
const IN_FLIGHT: usize = 32;

fn main() {
    let server_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("bench-server")
        .enable_all()
        .build()
        .expect("server runtime");
    let server = Server::start(&server_rt);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("client runtime");
    let url = server.url();
    let client = common::facade(&url);
    let raw = Arc::new(Raw::new(&url));

    check_same_requests(&rt, &server, &client, &raw);
    if let Ok(spec) = std::env::var("VONAGE_BENCH_PROFILE") {
        profile_loop(&rt, &client, &raw, &spec);
        return;
    }
    println!(
        "server: 127.0.0.1 loopback, fixed answers (list: {} bytes); client on a current-thread runtime",
        server.list_bytes()
    );

    let mut criterion = Criterion::default()
        .warm_up_time(Duration::from_millis(700))
        .measurement_time(Duration::from_secs(2))
        .sample_size(20)
        .configure_from_args();
    for op in Op::ALL {
        let mut group = criterion.benchmark_group(format!("{}/sequential", op.name()));
        group.throughput(Throughput::Elements(1));
        group.bench_function("facade", |b| b.to_async(&rt).iter(|| op.facade(&client)));
        group.bench_function("raw", |b| b.to_async(&rt).iter(|| op.raw(&raw)));
        group.finish();

        let mut group = criterion.benchmark_group(format!("{}/{IN_FLIGHT}_in_flight", op.name()));
        group.throughput(Throughput::Elements(IN_FLIGHT as u64));
        group.bench_function("facade", |b| {
            b.to_async(&rt)
                .iter(|| in_flight(IN_FLIGHT, 1, Impl::Facade(client.clone()), op))
        });
        group.bench_function("raw", |b| {
            b.to_async(&rt)
                .iter(|| in_flight(IN_FLIGHT, 1, Impl::Raw(raw.clone()), op))
        });
        group.finish();
    }
    criterion.final_summary();

    if std::env::var("VONAGE_BENCH_TABLE").as_deref() != Ok("0") {
        ratio_table(&rt, &client, &raw);
    }
}

/// One of the two clients, cheap to clone into tasks.
#[derive(Clone)]
enum Impl {
    Facade(Client),
    Raw(Arc<Raw>),
}

impl Impl {
    async fn call(&self, op: Op) {
        match self {
            Impl::Facade(client) => op.facade(client).await,
            Impl::Raw(raw) => op.raw(raw).await,
        }
    }
}

/// `workers` tasks, each making `calls` calls one after another.
async fn in_flight(workers: usize, calls: usize, client: Impl, op: Op) {
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..workers {
        let client = client.clone();
        tasks.spawn(async move {
            for _ in 0..calls {
                client.call(op).await;
            }
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.expect("a benchmark task panicked");
    }
}

/// Asserts that the facade and the baseline send byte-identical requests (method, path, every
/// header, body), so that the comparison is fair.
fn check_same_requests(rt: &tokio::runtime::Runtime, server: &Server, client: &Client, raw: &Raw) {
    server.capture(true);
    for op in Op::ALL {
        rt.block_on(op.facade(client));
        let facade = server.take_seen().expect("the facade's request was seen");
        rt.block_on(op.raw(raw));
        let raw = server.take_seen().expect("the raw request was seen");
        assert_eq!(
            facade,
            raw,
            "{}: the two clients sent different requests",
            op.name()
        );
    }
    server.capture(false);
    println!("checked: facade and raw send identical requests (method, path, headers, body)");
}

/// `VONAGE_BENCH_PROFILE=balance:facade:20000`: only that many sequential calls of one kind, for
/// running under `perf record` or `valgrind --tool=callgrind`.
#[inline(never)]
fn profile_loop(rt: &tokio::runtime::Runtime, client: &Client, raw: &Arc<Raw>, spec: &str) {
    let mut parts = spec.split(':');
    let op = parts
        .next()
        .and_then(|name| Op::ALL.into_iter().find(|op| op.name() == name));
    let which = match parts.next() {
        Some("facade") => Impl::Facade(client.clone()),
        Some("raw") => Impl::Raw(raw.clone()),
        _ => panic!("VONAGE_BENCH_PROFILE=<op>:<facade|raw>:<calls>"),
    };
    let calls = parts.next().and_then(|n| n.parse().ok()).unwrap_or(10_000);
    let op = op.expect("VONAGE_BENCH_PROFILE: unknown op");
    // Every layer of futures moves this many bytes at least once per call. (One async fn
    // matches over the four calls, so this is the largest of the four.)
    println!(
        "future of one call ({} or any other): facade {} bytes, raw {} bytes",
        op.name(),
        std::mem::size_of_val(&op.facade(client)),
        std::mem::size_of_val(&op.raw(raw)),
    );
    let m = measure(rt, &which, op, 1, calls);
    println!(
        "{} x{calls}: {:.1} µs wall, {:.1} µs CPU per call",
        op.name(),
        m.wall * 1e6,
        m.cpu * 1e6
    );
}

/// Wall time and client CPU of one round.
#[derive(Clone, Copy)]
struct Round {
    wall: f64,
    cpu: f64,
}

fn measure(
    rt: &tokio::runtime::Runtime,
    client: &Impl,
    op: Op,
    workers: usize,
    calls: usize,
) -> Round {
    let cpu0 = common::thread_cpu();
    let t0 = Instant::now();
    rt.block_on(in_flight(workers, calls, client.clone(), op));
    let wall = t0.elapsed().as_secs_f64();
    let cpu = common::thread_cpu() - cpu0;
    let n = (workers * calls) as f64;
    Round {
        wall: wall / n,
        cpu: cpu / n,
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let mid = v.len() / 2;
    if v.len().is_multiple_of(2) {
        (v[mid - 1] + v[mid]) / 2.0
    } else {
        v[mid]
    }
}

/// Interleaved rounds (facade, raw, raw, facade, ...) of each op in each mode; prints medians
/// per call and the facade/raw ratios.
fn ratio_table(rt: &tokio::runtime::Runtime, client: &Client, raw: &Arc<Raw>) {
    let setting = |name: &str, default: usize| -> usize {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let calls = setting("VONAGE_BENCH_CALLS", 2000);
    let rounds = setting("VONAGE_BENCH_ROUNDS", 8).max(1);
    let facade = Impl::Facade(client.clone());
    let raw = Impl::Raw(raw.clone());
    println!();
    println!(
        "facade vs raw reqwest: {rounds} interleaved rounds of {calls} calls; µs per call (medians); \
         ratio = median over the rounds of facade/raw (1.05 = facade 5% slower)"
    );
    println!(
        "| call | mode | raw wall | facade wall | wall ratio | raw CPU | facade CPU | CPU ratio |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|---:|");
    let mut worst = (0.0f64, 0.0f64);
    for op in Op::ALL {
        for (mode, workers) in [("sequential", 1), ("32 in flight", IN_FLIGHT)] {
            let per_worker = (calls / workers).max(1);
            // Warm up both: connections open, allocator and caches settled.
            measure(rt, &facade, op, workers, per_worker / 4 + 1);
            measure(rt, &raw, op, workers, per_worker / 4 + 1);
            let (mut f, mut r) = (Vec::new(), Vec::new());
            for round in 0..rounds {
                let order = if round % 2 == 0 {
                    [&facade, &raw]
                } else {
                    [&raw, &facade]
                };
                for which in order {
                    let m = measure(rt, which, op, workers, per_worker);
                    if matches!(which, Impl::Facade(_)) {
                        f.push(m)
                    } else {
                        r.push(m)
                    }
                }
            }
            let us =
                |v: &[Round], pick: fn(&Round) -> f64| median(v.iter().map(pick).collect()) * 1e6;
            let (rw, fw) = (us(&r, |m| m.wall), us(&f, |m| m.wall));
            let (rc, fc) = (us(&r, |m| m.cpu), us(&f, |m| m.cpu));
            // The ratio is the median of each round's own ratio: the two halves of a round run
            // back to back, so what the machine does meanwhile (another build, a slow minute)
            // weighs on both, where the ratio of two medians mixes rounds minutes apart.
            let paired = |pick: fn(&Round) -> f64| {
                median(f.iter().zip(&r).map(|(f, r)| pick(f) / pick(r)).collect())
            };
            let (wall_ratio, cpu_ratio) = (paired(|m| m.wall), paired(|m| m.cpu));
            worst = (worst.0.max(wall_ratio), worst.1.max(cpu_ratio));
            println!(
                "| {} | {mode} | {rw:.1} | {fw:.1} | {wall_ratio:.3} | {rc:.1} | {fc:.1} | {cpu_ratio:.3} |",
                op.name(),
            );
        }
    }
    println!();
    println!(
        "worst ratio: wall {:.3}, CPU {:.3} (target: at most 1.05)",
        worst.0, worst.1
    );
}
