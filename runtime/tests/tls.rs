//! The TLS trap, in a process of its own (the rustls provider is process-wide): an application
//! builds its own reqwest client before any Bitrix24 client. With reqwest's
//! `rustls-no-provider` feature (which unifies into the application's reqwest) that panicked
//! with "No rustls crypto provider is configured"; the runtime's features must leave a provider
//! whatever the order.

#[test]
fn an_applications_own_reqwest_client_built_first_works() {
    let own = reqwest::Client::builder()
        .build()
        .expect("the application's own client, built first");
    let b24 = b24_runtime::Client::webhook("https://example.bitrix24.com/rest/1/code/")
        .expect("a Bitrix24 client after it");
    let again = reqwest::Client::new();
    drop((own, b24, again));
}
