//! Which methods only read.
//!
//! The docs never state it, so it is decided by name. The runtime retries a read-only method
//! after a 5xx or a network error and never silently repeats a write, so a wrong "read-only" is
//! the costly mistake: the policy is conservative and anything it does not recognise is a write.
//!
//! A method is read-only when the last segment of its name (compared case-insensitively)
//! - is one of [`READ_WORDS`] (`get`, `list`, `fields`, `search`…), or
//! - starts with `get` or `list` followed by more (`getFields`, `getList`, `listByUser`), or
//! - the whole name is one of the account-level readers (`methods`, `scope`, `profile`,
//!   `server.time`, `app.info`, `user.current`, `feature.get`).

/// Last segments that name a read.
pub const READ_WORDS: &[&str] = &[
    "get", "list", "fields", "search", "count", "current", "info", "version", "access", "find",
    "stat", "stats", "history",
];

/// Whole names of readers whose last segment says nothing.
const READ_METHODS: &[&str] = &["methods", "scope", "profile", "server.time", "access.name"];

/// The read-only decision (see the module docs); a value so tests and callers can name it.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReadOnlyPolicy;

impl ReadOnlyPolicy {
    pub fn is_read_only(&self, method: &str) -> bool {
        let lower = method.to_ascii_lowercase();
        if READ_METHODS.contains(&lower.as_str()) {
            return true;
        }
        let last = lower.rsplit('.').next().unwrap_or(&lower);
        if READ_WORDS.contains(&last) {
            return true;
        }
        ["get", "list"]
            .iter()
            .any(|p| last.len() > p.len() && last.starts_with(p))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_writes() {
        let p = ReadOnlyPolicy;
        for m in [
            "crm.deal.get",
            "crm.deal.list",
            "crm.deal.fields",
            "sale.order.getFields",
            "tasks.task.getaccess",
            "im.dialog.messages.search",
            "user.current",
            "methods",
            "scope",
            "profile",
            "server.time",
            "app.info",
        ] {
            assert!(p.is_read_only(m), "{m} should be read-only");
        }
        for m in [
            "crm.deal.add",
            "crm.deal.update",
            "crm.deal.delete",
            "im.dialog.read",
            "im.dialog.unread",
            "im.recent.unread",
            "task.item.startexecution",
            "event.bind",
            "crm.item.batchimport",
            "disk.file.getsome.delete",
        ] {
            assert!(!p.is_read_only(m), "{m} should be a write");
        }
    }
}
