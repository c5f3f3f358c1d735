//! A scratch database on the test server (`TUIDESK_TEST_PG`) for the module tests of the
//! PostgreSQL store.

use postgres::Client;

/// A database of the test server, dropped at the end (`None` outside CI without one).
pub(super) struct Scratch {
    admin: Client,
    name: String,
    pub(super) url: String,
}

impl Scratch {
    pub(super) fn new(tag: &str) -> Option<Scratch> {
        let Ok(admin_url) = std::env::var("TUIDESK_TEST_PG") else {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "CI needs TUIDESK_TEST_PG"
            );
            return None;
        };
        let name = format!("tuidesk_unit_{tag}_{}", std::process::id());
        let url = admin_url.replacen("/postgres?", &format!("/{name}?"), 1);
        assert_ne!(url, admin_url, "the test URL names the postgres database");
        let mut admin = connect(&admin_url);
        admin
            .batch_execute(&format!("DROP DATABASE IF EXISTS {name}"))
            .unwrap();
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .unwrap();
        Some(Scratch { admin, name, url })
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = self
            .admin
            .batch_execute(&format!("DROP DATABASE {} WITH (FORCE)", self.name));
    }
}

pub(super) fn connect(url: &str) -> Client {
    super::conn::PgLocation::parse(url)
        .unwrap()
        .connect()
        .unwrap()
}
