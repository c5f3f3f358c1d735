//! Contacts of an organization: the addresses (or whole `@domain`s) whose mail opens and
//! follows up its tickets.

use chrono::{DateTime, Utc};

use super::Desk;
use crate::domain::{self, Actor};
use crate::store::{EventSubject, Result};

impl Desk {
    /// Adds and removes contacts in one transaction (audited); returns the list after.
    /// Removing an address that is not a contact is refused, so a typo never passes silently.
    pub fn change_contacts(
        &mut self,
        org: &str,
        add: &[String],
        remove: &[String],
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Vec<String>> {
        let add = add
            .iter()
            .map(|a| domain::normalize_address(a, true))
            .collect::<std::result::Result<Vec<_>, _>>()?;
        let remove = remove
            .iter()
            .map(|a| domain::normalize_address(a, true))
            .collect::<std::result::Result<Vec<_>, _>>()?;
        let mut after = Vec::new();
        self.store.write(&mut |tx| {
            let o = tx.org_by_name(org)?;
            for a in &remove {
                if !tx.remove_contact(o.id, a)? {
                    return Err(crate::store::StoreError::NotFound {
                        what: "contact",
                        key: format!("{a} of {}", o.name),
                    });
                }
                tx.record_event(
                    EventSubject::org(o.id),
                    actor,
                    now,
                    ("contact", Some(a), None),
                )?;
            }
            for a in &add {
                if tx.add_contact(o.id, a, now)? {
                    tx.record_event(
                        EventSubject::org(o.id),
                        actor,
                        now,
                        ("contact", None, Some(a)),
                    )?;
                }
            }
            after = tx.contacts_in(o.id)?;
            Ok(())
        })?;
        Ok(after)
    }
}
