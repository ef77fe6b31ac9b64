//! The response body limit, for bodies that arrive in one chunk, in many chunks with a length,
//! and chunked without a length (so only counting the bytes can stop them).

use std::{
    pin::Pin,
    task::{Context, Poll},
};

use axum::{
    body::{Body, Bytes},
    http::{HeaderValue, header},
    response::Response,
};
use vonage_account::{Client, ErrorKind, RetryConfig};

const SECRET: &str =
    r#"{"id":"ad6dc56f-07b5-46e1-a527-85530e625800","created_at":"2017-03-02T16:34:49Z"}"#;

/// A list of `n` secrets, about 80 bytes each.
fn list(n: usize) -> String {
    let items = vec![SECRET; n].join(",");
    format!(r#"{{"_embedded":{{"secrets":[{items}]}}}}"#)
}

/// A body of `frames` frames of `text`, with no length: sent chunked.
struct Frames {
    text: Bytes,
    frames: usize,
}

impl http_body::Body for Frames {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, Self::Error>>> {
        if self.frames == 0 {
            return Poll::Ready(None);
        }
        self.frames -= 1;
        Poll::Ready(Some(Ok(http_body::Frame::data(self.text.clone()))))
    }
}

/// Serves `make()` for every request; returns the base URL.
async fn serve(make: fn() -> Body) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let app = axum::Router::new().fallback(move || async move {
        let mut response = Response::new(make());
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        response
    });
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}

fn client(url: &str, limit: usize) -> Client {
    Client::builder()
        .api_key("abcd1234")
        .api_secret("Abcdef123456")
        .base_url(url)
        .retry(RetryConfig::NONE)
        .max_response_bytes(limit)
        .build()
        .expect("client")
}

#[tokio::test]
async fn a_large_body_in_many_chunks_is_read_whole() {
    // About 160 KB with a Content-Length: it arrives in many reads.
    let url = serve(|| Body::from(list(2000))).await;
    let secrets = client(&url, 1024 * 1024)
        .secrets()
        .list()
        .await
        .expect("list");
    assert_eq!(secrets.len(), 2000);
}

#[tokio::test]
async fn a_chunked_body_without_a_length_is_read_whole() {
    // `[` + 400 x `SECRET,` ... assembled from frames: the first frame opens the list.
    let url = serve(|| {
        let head = Bytes::from_static(br#"{"_embedded":{"secrets":["#);
        let items = vec![SECRET; 400].join(",");
        let tail = format!("{items}]}}}}");
        Body::new(Chain(vec![head, Bytes::from(tail)]))
    })
    .await;
    let secrets = client(&url, 1024 * 1024)
        .secrets()
        .list()
        .await
        .expect("list");
    assert_eq!(secrets.len(), 400);
}

#[tokio::test]
async fn a_declared_length_over_the_limit_is_refused_unread() {
    let url = serve(|| Body::from(list(2000))).await;
    let err = client(&url, 10_000).secrets().list().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ResponseTooLarge, "{err}");
}

#[tokio::test]
async fn a_chunked_body_over_the_limit_is_cut_off() {
    let url = serve(|| {
        Body::new(Frames {
            text: Bytes::from(vec![b' '; 16 * 1024]),
            frames: 64,
        })
    })
    .await;
    let err = client(&url, 100_000).secrets().list().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ResponseTooLarge, "{err}");
}

/// The given pieces as separate frames, with no length.
struct Chain(Vec<Bytes>);

impl http_body::Body for Chain {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, Self::Error>>> {
        if self.0.is_empty() {
            return Poll::Ready(None);
        }
        let next = self.0.remove(0);
        Poll::Ready(Some(Ok(http_body::Frame::data(next))))
    }
}
