//! The one way these tests read the crate's log: [`capture`] installs, for the current thread
//! (the test's, where `#[tokio::test]` runs everything), a subscriber at a given level that
//! keeps both the text `tracing_subscriber::fmt` writes (to look for anything that should never
//! be logged) and every event with its level and fields (to assert what is logged).

use std::{
    collections::BTreeMap,
    fmt,
    sync::{Arc, Mutex},
};

pub use tracing::Level;
use tracing::{
    Subscriber,
    field::{Field, Visit},
    subscriber::DefaultGuard,
};
use tracing_subscriber::{
    filter::LevelFilter,
    layer::{Context, Layer, SubscriberExt as _},
    registry::LookupSpan,
};

/// The log of one test, while it lasts: dropping it removes the subscriber.
pub struct Log {
    text: Arc<Mutex<Vec<u8>>>,
    events: Arc<Mutex<Vec<Event>>>,
    _guard: DefaultGuard,
}

/// One event as it was logged.
#[derive(Debug, Clone)]
pub struct Event {
    pub level: Level,
    pub target: String,
    /// The message: for this crate, the event's name (`vonage_account.retry`).
    pub name: String,
    /// Each field as text: strings and `%`-values as they are, numbers and booleans written
    /// out, other `?`-values in their `Debug` form.
    pub fields: BTreeMap<String, String>,
    /// The name of the span it happened in, if any was enabled.
    pub span: Option<String>,
}

impl Event {
    /// The field `name`, if the event has it.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields.get(name).map(String::as_str)
    }
}

/// Captures every event and span at `level` and above, until the returned [`Log`] is dropped.
pub fn capture(level: Level) -> Log {
    let text = Arc::new(Mutex::new(Vec::new()));
    let events = Arc::new(Mutex::new(Vec::new()));
    let writer = Writer(Arc::clone(&text));
    let subscriber = tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(move || writer.clone())
                .with_ansi(false),
        )
        .with(Recorder(Arc::clone(&events)))
        .with(LevelFilter::from_level(level));
    Log {
        text,
        events,
        _guard: tracing::subscriber::set_default(subscriber),
    }
}

impl Log {
    /// Everything the fmt layer wrote so far.
    pub fn text(&self) -> String {
        String::from_utf8(self.text.lock().unwrap().clone()).unwrap()
    }

    /// Every event so far, oldest first.
    pub fn events(&self) -> Vec<Event> {
        self.events.lock().unwrap().clone()
    }

    /// The events named `name` (their message), oldest first.
    pub fn named(&self, name: &str) -> Vec<Event> {
        self.events()
            .into_iter()
            .filter(|e| e.name == name)
            .collect()
    }
}

/// Where the fmt layer writes.
#[derive(Clone)]
struct Writer(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Writer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Keeps every event with its fields.
struct Recorder(Arc<Mutex<Vec<Event>>>);

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for Recorder {
    fn on_event(&self, event: &tracing::Event<'_>, ctx: Context<'_, S>) {
        let mut fields = Fields::default();
        event.record(&mut fields);
        let meta = event.metadata();
        self.0.lock().unwrap().push(Event {
            level: *meta.level(),
            target: meta.target().to_owned(),
            name: fields.0.remove("message").unwrap_or_default(),
            fields: fields.0,
            span: ctx.event_span(event).map(|s| s.name().to_owned()),
        });
    }
}

#[derive(Default)]
struct Fields(BTreeMap<String, String>);

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
}
